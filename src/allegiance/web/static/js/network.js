/* The interactive network of /network: Cytoscape.js (served from node_modules at /static/vendor/cytoscape/),
 * data from /network.json. Filters by year, by kind (of pledge, affiliation, hostility, accusation) and by status;
 * click a name to open its page, click an arrow to see its claims and sources. Names never overlap: after each
 * layout, pan, zoom or filter, a name is shown only where it fits beside those already shown (the most connected
 * first); the others show on hover or when zoomed in. window.allegianceNetwork exposes the graph to tests. */
(function () {
  "use strict";
  var app = document.getElementById("network-app");
  if (!app || typeof window.cytoscape !== "function") { return; }
  var root = app.dataset.root || "";
  var COLOURS = { "allegiance": "#D55E00", "declared-support": "#E69F00", "affiliation": "#0072B2",
                  "hostility": "#CC79A7", "accusation": "#009E73" };
  var NODE_COLOURS = { "quasi-state": "#000000", "group": "#D55E00", "state": "#56B4E9", "person": "#999999",
                       "organization": "#0072B2", "place": "#F0E442", "other": "#BBBBBB" };
  var RELATION_NAMES = { "pledge": "pledge", "affiliation": "affiliation", "hostility": "hostility",
                         "accusation": "accusation" };
  var FONT = 12, MAX_WIDTH = 130;
  var els = {
    year: document.getElementById("network-year"), kinds: document.getElementById("network-kinds"),
    statuses: document.getElementById("network-statuses"), count: document.getElementById("network-count"),
    details: document.getElementById("network-details"), legend: document.getElementById("network-legend"),
    graph: document.getElementById("network-graph"), fit: document.getElementById("network-fit")
  };
  var tip = document.createElement("div");
  tip.className = "picture-tooltip";
  tip.hidden = true;
  document.body.appendChild(tip);

  function text(tag, content, cls) {
    var e = document.createElement(tag);
    if (content !== undefined && content !== null) { e.textContent = content; }
    if (cls) { e.className = cls; }
    return e;
  }
  function link(href, content) {
    var a = text("a", content);
    a.href = root + href;
    return a;
  }
  function edgeColour(e) { return COLOURS[e.relation === "pledge" ? e.kind : e.relation] || "#555"; }
  function kindKey(e) { return e.relation + ":" + (e.kind || ""); }
  function kindName(k) {
    return k.kind ? (k.relation === "hostility" ? "hostility (" + k.kind + ")" :
                     k.kind.replace(/-/g, " ") + (k.relation === "affiliation" ? " (affiliation)" : ""))
                  : RELATION_NAMES[k.relation];
  }

  function checkbox(parent, value, label, checked, colour) {
    var l = text("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.value = value; box.checked = checked;
    l.appendChild(box);
    if (colour) { var s = text("span", "", "swatch"); s.style.background = colour; l.appendChild(s); }
    l.appendChild(document.createTextNode(" " + label));
    parent.appendChild(l);
    return box;
  }

  function init(data) {
    var byId = {};
    data.edges.forEach(function (e) { byId[e.id] = e; });
    data.years.forEach(function (y) { var o = text("option", String(y)); o.value = String(y); els.year.appendChild(o); });
    if (app.dataset.year && data.years.indexOf(Number(app.dataset.year)) >= 0) { els.year.value = app.dataset.year; }
    data.kinds.forEach(function (k) {
      checkbox(els.kinds, k.relation + ":" + (k.kind || ""), kindName(k), k.relation !== "accusation",
               COLOURS[k.relation === "pledge" ? k.kind : k.relation]);
    });
    data.statuses.forEach(function (s) { checkbox(els.statuses, s, s || "no status", true); });
    var maxDegree = Math.max.apply(null, data.nodes.map(function (n) { return n.degree; }).concat([1]));
    var elements = data.nodes.map(function (n) {
      return { group: "nodes", data: { id: n.id, label: n.label, href: n.href, category: n.category,
                                       type: n.type, degree: n.degree } };
    }).concat(data.edges.map(function (e) {
      return { group: "edges", data: { id: e.id, source: e.source, target: e.target, relation: e.relation,
                                       colour: edgeColour(e) },
               classes: [e.relation, e.relation !== "accusation" && e.to_year !== null ? "ended" : ""].join(" ") };
    }));
    var cy = window.cytoscape({
      container: els.graph, elements: elements, minZoom: 0.15, maxZoom: 5,
      style: [
        { selector: "node", style: {
          "width": "mapData(degree, 1, " + maxDegree + ", 12, 44)", "height": "mapData(degree, 1, " + maxDegree + ", 12, 44)",
          "background-color": function (n) { return NODE_COLOURS[n.data("category")] || "#bbb"; },
          "border-width": 1, "border-color": "#fff", "label": "data(label)", "font-size": FONT,
          "font-family": "system-ui, sans-serif", "text-valign": "bottom", "text-margin-y": 3,
          "text-wrap": "wrap", "text-max-width": MAX_WIDTH, "color": "#111",
          "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
        { selector: "node.nolabel", style: { "text-opacity": 0, "text-background-opacity": 0 } },
        { selector: "node.hover", style: { "text-opacity": 1, "text-background-opacity": 1, "z-index": 10 } },
        { selector: "edge", style: {
          "width": 2, "line-color": "data(colour)", "target-arrow-color": "data(colour)",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.9, "opacity": 0.85 } },
        { selector: "edge.ended", style: { "line-style": "dashed" } },
        { selector: "edge.hostility", style: { "target-arrow-shape": "tee", "source-arrow-shape": "tee",
                                               "source-arrow-color": "data(colour)", "line-style": "dotted", "width": 2.5 } },
        { selector: "edge.accusation", style: { "target-arrow-shape": "vee", "width": 1.5 } },
        { selector: ".filtered", style: { "display": "none" } },
        { selector: "edge:selected", style: { "width": 4, "opacity": 1 } }
      ]
    });

    function visibleFilter() {
      var year = els.year.value ? Number(els.year.value) : null;
      var kinds = {}, statuses = {};
      els.kinds.querySelectorAll("input").forEach(function (b) { kinds[b.value] = b.checked; });
      els.statuses.querySelectorAll("input").forEach(function (b) { statuses[b.value] = b.checked; });
      return function (e) {
        if (!kinds[kindKey(e)] || !statuses[e.status || ""]) { return false; }
        if (year === null) { return true; }
        if (e.from_year === null || e.from_year > year) { return false; }
        return e.to_year === null || e.to_year >= year;
      };
    }

    function labelBox(n) {
      var b = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true,
                              includeOverlays: false });
      return b.w > 0 ? b : null;
    }
    function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }

    // the names that fit, the most connected first (the sizes are in screen pixels whatever the zoom)
    function relabel() {
      var z = cy.zoom();
      cy.nodes().style({ "font-size": FONT / z, "text-max-width": MAX_WIDTH / z, "text-margin-y": 3 / z });
      var shown = [];
      var ext = cy.extent();
      var order = cy.nodes(":visible").sort(function (a, b) {
        return (b.data("degree") - a.data("degree")) || (a.data("label").length - b.data("label").length) ||
               (a.id() < b.id() ? -1 : 1);
      });
      cy.nodes().addClass("nolabel");
      order.forEach(function (n) {
        var box = labelBox(n);
        if (!box || box.x1 < ext.x1 || box.x2 > ext.x2 || box.y1 < ext.y1 || box.y2 > ext.y2) { return; }
        var pad = 2 / z;
        var padded = { x1: box.x1 - pad, x2: box.x2 + pad, y1: box.y1 - pad, y2: box.y2 + pad };
        if (shown.some(function (b) { return overlaps(b, padded); })) { return; }
        shown.push(padded);
        n.removeClass("nolabel");
      });
    }

    function layout(then) {
      var visible = cy.elements(":visible");
      var run = visible.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
                                 idealEdgeLength: function () { return 90; }, nodeRepulsion: function () { return 9000; },
                                 componentSpacing: 60, numIter: 1500, fit: true, padding: 20 });
      run.one("layoutstop", function () { cy.fit(visible, 20); relabel(); if (then) { then(); } });
      run.run();
    }

    function apply() {
      var keep = visibleFilter();
      var shownEdges = 0, hiddenUndated = 0, year = els.year.value;
      cy.batch(function () {
        cy.edges().forEach(function (edge) {
          var e = byId[edge.id()];
          var on = keep(e);
          edge.toggleClass("filtered", !on);
          if (on) { shownEdges += 1; } else if (year && e.from_year === null) { hiddenUndated += 1; }
        });
        cy.nodes().forEach(function (n) {
          n.toggleClass("filtered", n.connectedEdges().filter(function (e) { return !e.hasClass("filtered"); }).length === 0);
        });
      });
      var nodes = cy.nodes(":visible").length;
      els.count.textContent = shownEdges + " claims among " + nodes + " agents" +
        (year ? "; " + hiddenUndated + " claims with no known date left out of " + year : "") + ".";
      layout(function () { app.dataset.ready = "1"; });
    }

    function showClaims(edge) {
      var e = byId[edge.id()];
      var between = data.edges.filter(function (o) {
        return (o.source === e.source && o.target === e.target) || (o.source === e.target && o.target === e.source);
      });
      els.details.innerHTML = "";
      var names = cy.getElementById(e.source).data("label") + " → " + cy.getElementById(e.target).data("label");
      els.details.appendChild(text("h2", names));
      var list = text("ul", null, "claims");
      between.forEach(function (c) {
        var li = text("li", null, c.id === e.id ? "current" : "");
        li.appendChild(c.href ? link(c.href, c.label) : text("span", c.label));
        var what = [kindName({ relation: c.relation, kind: c.kind }), c.status || "no status"];
        if (c.start) { what.push(c.end && c.end !== c.start ? c.start + " to " + c.end : "from " + c.start); }
        else if (c.end) { what.push("until " + c.end); }
        li.appendChild(text("div", what.join(" · "), "meta"));
        if (c.excerpt) { li.appendChild(text("blockquote", c.excerpt)); }
        c.sources.forEach(function (s) {
          var d = text("div", "Source: ", "source");
          d.appendChild(s.href ? link(s.href, s.title) : text("span", s.title));
          li.appendChild(d);
        });
        list.appendChild(li);
      });
      els.details.appendChild(list);
    }

    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = root + href; }
    });
    cy.on("tap", "edge", function (evt) { showClaims(evt.target); });
    cy.on("mouseover", "node", function (evt) {
      evt.target.addClass("hover");
      els.graph.style.cursor = evt.target.data("href") ? "pointer" : "default";
    });
    cy.on("mouseout", "node", function (evt) { evt.target.removeClass("hover"); els.graph.style.cursor = ""; });
    cy.on("mouseover", "edge", function (evt) {
      var e = byId[evt.target.id()];
      tip.textContent = e.label + (e.status ? " (" + e.status + ")" : "");
      tip.hidden = false;
      els.graph.style.cursor = "pointer";
    });
    cy.on("mousemove", function (evt) {
      if (!tip.hidden && evt.originalEvent) {
        tip.style.left = (evt.originalEvent.pageX + 12) + "px"; tip.style.top = (evt.originalEvent.pageY + 12) + "px";
      }
    });
    cy.on("mouseout", "edge", function () { tip.hidden = true; els.graph.style.cursor = ""; });
    var pending = null;
    cy.on("viewport", function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(function () { pending = null; relabel(); }, 120);
    });
    [els.year, els.kinds, els.statuses].forEach(function (el) {
      el.addEventListener("change", function () { app.dataset.ready = ""; apply(); });
    });
    els.fit.addEventListener("click", function () { cy.fit(cy.elements(":visible"), 20); });

    Object.keys(NODE_COLOURS).forEach(function (c) {
      if (!data.nodes.some(function (n) { return n.category === c; })) { return; }
      var li = text("li");
      var s = text("span", "", "dot"); s.style.background = NODE_COLOURS[c];
      li.appendChild(s); li.appendChild(document.createTextNode(" " + c.replace("-", " ")));
      els.legend.appendChild(li);
    });
    els.legend.appendChild(text("li", "dashed: a tie reported ended; dotted with bars: hostility"));

    cy.layout({ name: "circle", animate: false }).run();  // a fixed start, so the same data lays out the same
    window.allegianceNetwork = { cy: cy, data: data, apply: apply, relabel: relabel };
    apply();
  }

  fetch(app.dataset.src, { headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status + " " + r.statusText); } return r.json(); })
    .then(init)
    .catch(function (err) { els.count.textContent = "The network could not be loaded: " + err.message; });
}());
