/* The neighbour-network widget of entity pages: a small interactive network of one entity's ties.
 *
 * Contract (for the page that shows it):
 *   <div class="neighbour-network" data-src="/network/neighbours.json?entity=URL-ENCODED-FULL-IRI"></div>
 *   <script src="/static/vendor/cytoscape/cytoscape.min.js"></script>
 *   <script src="/static/ui/js/neighbours.js"></script>
 * Every such div on the page is drawn (give it a height in CSS; static/pictures.css gives .neighbour-network
 * 320px). Optional: data-root="/prefix" when the server is mounted under a path prefix (links get it in front).
 * The JSON (from web/pictures.py) is {"entity": IRI, "nodes": [{id, label, href, category, center, ...}],
 * "edges": [{id, source, target, relation, kind, status, label, href, ...}]}: the entity's pledges,
 * affiliations, hostility and accusations, and the agents at their other ends. Click a node to open its entity
 * page, an arrow to open its claim. Names that would overlap are hidden (hover shows them). Without Cytoscape
 * (npm ci not run) or without ties, the div says so in text. The graph of each div is kept on div.cy.
 */
(function () {
  "use strict";
  var COLOURS = { "allegiance": "#D55E00", "declared-support": "#E69F00", "affiliation": "#0072B2",
                  "hostility": "#CC79A7", "accusation": "#009E73" };
  var NODE_COLOURS = { "quasi-state": "#000000", "group": "#D55E00", "state": "#56B4E9", "person": "#999999",
                       "organization": "#0072B2", "place": "#F0E442", "other": "#BBBBBB" };

  function say(div, message) {
    div.textContent = "";
    var p = document.createElement("p");
    p.className = "hint";
    p.textContent = message;
    div.appendChild(p);
  }

  function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }

  function relabel(cy) {
    var shown = [];
    cy.nodes().addClass("nolabel");
    cy.nodes().sort(function (a, b) {
      return (b.data("center") - a.data("center")) || (a.data("label").length - b.data("label").length);
    }).forEach(function (n) {
      var box = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
      if (!(box.w > 0) || shown.some(function (b) { return overlaps(b, box); })) { return; }
      shown.push(box);
      n.removeClass("nolabel");
    });
  }

  function draw(div, data) {
    var root = div.dataset.root || "";
    if (!data.edges.length) { say(div, "No pledges, affiliations, hostility or accusations tie this entity to others."); return; }
    div.textContent = "";
    var elements = data.nodes.map(function (n) {
      return { group: "nodes", data: { id: n.id, label: n.label, href: n.href, category: n.category,
                                       center: n.center ? 1 : 0 } };
    }).concat(data.edges.map(function (e) {
      return { group: "edges", classes: e.relation,
               data: { id: e.id, source: e.source, target: e.target, href: e.href, label: e.label,
                       colour: COLOURS[e.relation === "pledge" ? e.kind : e.relation] || "#555" } };
    }));
    var cy = window.cytoscape({
      container: div, elements: elements, minZoom: 0.3, maxZoom: 4,
      layout: { name: "concentric", animate: false, padding: 12, minNodeSpacing: 24,
                concentric: function (n) { return n.data("center") ? 2 : 1; }, levelWidth: function () { return 1; } },
      style: [
        { selector: "node", style: { "width": 14, "height": 14, "label": "data(label)", "font-size": 11,
          "background-color": function (n) { return NODE_COLOURS[n.data("category")] || "#bbb"; },
          "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "wrap", "text-max-width": 110,
          "text-background-color": "#fff", "text-background-opacity": 0.85 } },
        { selector: "node[center = 1]", style: { "width": 24, "height": 24, "font-weight": "bold" } },
        { selector: "node.nolabel", style: { "text-opacity": 0, "text-background-opacity": 0 } },
        { selector: "node.hover", style: { "text-opacity": 1, "text-background-opacity": 1, "z-index": 10 } },
        { selector: "edge", style: { "width": 2, "line-color": "data(colour)", "target-arrow-color": "data(colour)",
          "target-arrow-shape": "triangle", "curve-style": "bezier" } },
        { selector: "edge.hostility", style: { "line-style": "dotted", "target-arrow-shape": "tee" } },
        { selector: "edge.accusation", style: { "target-arrow-shape": "vee", "width": 1.5 } }
      ]
    });
    relabel(cy);
    cy.on("tap", "node, edge", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = root + href; }
    });
    cy.on("mouseover", "node", function (evt) { evt.target.addClass("hover"); div.style.cursor = "pointer"; });
    cy.on("mouseout", "node, edge", function (evt) { evt.target.removeClass("hover"); div.style.cursor = ""; div.title = ""; });
    cy.on("mouseover", "edge", function (evt) { div.title = evt.target.data("label"); div.style.cursor = "pointer"; });
    div.cy = cy;
    div.dataset.ready = "1";
  }

  document.querySelectorAll("div.neighbour-network[data-src]").forEach(function (div) {
    if (typeof window.cytoscape !== "function") {
      say(div, "The network of neighbours needs Cytoscape.js: run `npm ci` in the checkout, then reload.");
      return;
    }
    fetch(div.dataset.src, { headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status + " " + r.statusText); } return r.json(); })
      .then(function (data) { draw(div, data); })
      .catch(function (err) { say(div, "The network of neighbours could not be loaded: " + err.message); });
  });
}());
