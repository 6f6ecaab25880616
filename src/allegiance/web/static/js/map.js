/* The world map of /map: d3-geo and topojson-client (served from node_modules at /static/vendor/), the country
 * shapes of world-atlas' countries-110m.json (also from node_modules), data from /map.json. Two views: pledging
 * groups by country of operation, and accused states by accusation count (optionally of one status). A country is
 * matched to its shape by the atlas name /map.json gives it; the countries it could not place are listed under
 * the map. Click a country for its claims. window.allegianceMap exposes the data to tests. */
(function () {
  "use strict";
  var app = document.getElementById("map-app");
  if (!app || !window.d3 || !window.topojson) { return; }
  var d3 = window.d3;
  var root = app.dataset.root || "";
  var EMPTY = "#e4e8ec";
  var els = {
    chart: document.getElementById("map-chart"), details: document.getElementById("map-details"),
    count: document.getElementById("map-count"), status: document.getElementById("map-status"),
    unplaced: document.getElementById("map-unplaced"), filters: document.getElementById("map-filters")
  };

  function el(tag, content, cls) {
    var e = document.createElement(tag);
    if (content !== undefined && content !== null) { e.textContent = content; }
    if (cls) { e.className = cls; }
    return e;
  }
  function link(href, content) {
    if (!href) { return el("span", content); }
    var a = el("a", content);
    a.href = root + href;
    return a;
  }
  function view() { return els.filters.querySelector("input[name=view]:checked").value; }
  function count(c) {
    if (!c) { return 0; }
    if (view() === "pledges") { return c.groups; }
    return els.status.value ? (c.by_status[els.status.value] || 0) : c.accusations;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function describe(c) {
    return view() === "pledges" ? plural(c.groups, "pledging group") :
      plural(count(c), (els.status.value ? els.status.value + " " : "") + "accusation");
  }

  function claimItem(claim, lead) {
    var li = el("li");
    if (lead) { li.appendChild(lead); li.appendChild(document.createTextNode(": ")); }
    li.appendChild(link(claim.href, claim.label));
    li.appendChild(el("div", claim.status || "no status", "meta"));
    claim.sources.forEach(function (s) {
      var d = el("div", "Source: ", "source");
      d.appendChild(link(s.href, s.title));
      li.appendChild(d);
    });
    return li;
  }

  function show(c, name) {
    els.details.innerHTML = "";
    var h = el("h2");
    h.appendChild(c ? link(c.href, c.label) : el("span", name));
    els.details.appendChild(h);
    var claims = !c ? [] : view() === "pledges" ? c.pledges : c.accused.filter(function (a) {
      return !els.status.value || (a.status || "") === els.status.value;
    });
    if (!claims.length) {
      els.details.appendChild(el("p", "No claims for this country in this view.", "hint"));
      return;
    }
    els.details.appendChild(el("p", describe(c) + ":", "hint"));
    var ul = el("ul", null, "claims");
    claims.forEach(function (claim) {
      var lead = view() === "pledges" ? link(claim.group_href, claim.group_label)
                                      : el("span", (claim.accused_label || "") + " (" + claim.via + ")");
      ul.appendChild(claimItem(claim, lead));
    });
    els.details.appendChild(ul);
  }

  function init(data, topology) {
    var byName = {};
    data.countries.forEach(function (c) { if (c.atlas_name) { byName[c.atlas_name] = c; } });
    data.statuses.forEach(function (s) { var o = el("option", s || "no status"); o.value = s; els.status.appendChild(o); });
    var features = window.topojson.feature(topology, topology.objects.countries).features;
    var width = Math.max(600, els.chart.clientWidth - 2), height = Math.round(width * 0.52);
    var projection = d3.geoNaturalEarth1().fitExtent([[8, 8], [width - 8, height - 8]], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var svg = d3.select(els.chart).append("svg").attr("viewBox", "0 0 " + width + " " + height)
      .attr("role", "img").attr("aria-label", "World map of the claims by country");
    var world = svg.append("g");
    svg.call(d3.zoom().scaleExtent([1, 12]).translateExtent([[0, 0], [width, height]])
      .on("zoom", function (event) { world.attr("transform", event.transform); }));
    world.append("path").datum({ type: "Sphere" }).attr("d", path).attr("fill", "#f7fbff").attr("stroke", "#c8d0d8");
    world.append("path").datum(d3.geoGraticule10()).attr("d", path).attr("fill", "none").attr("stroke", "#e3e8ee");
    var countries = world.append("g").selectAll("path").data(features).join("path")
      .attr("class", "country").attr("d", path)
      .attr("data-name", function (f) { return f.properties.name; })
      .attr("data-iri", function (f) { return byName[f.properties.name] ? byName[f.properties.name].iri : null; });
    countries.append("title");
    var legend = svg.append("g").attr("class", "map-legend").attr("transform", "translate(20," + (height - 46) + ")");
    var selected = null;

    function draw() {
      els.status.disabled = view() === "pledges";
      var max = d3.max(data.countries, count) || 1;
      var colour = d3.scaleSequential([0, max], d3.interpolateOrRd);
      countries
        .attr("fill", function (f) { var n = count(byName[f.properties.name]); return n ? colour(n) : EMPTY; })
        .attr("data-count", function (f) { return count(byName[f.properties.name]); })
        .classed("has-data", function (f) { return count(byName[f.properties.name]) > 0; })
        .classed("selected", function (f) { return f.properties.name === selected; })
        .select("title").text(function (f) {
          var c = byName[f.properties.name];
          return f.properties.name + (c ? ": " + describe(c) : ": no claims");
        });
      legend.selectAll("*").remove();
      var steps = d3.range(0, 11).map(function (i) { return i / 10; });
      legend.append("text").attr("x", 0).attr("y", -6)
        .text(view() === "pledges" ? "groups that pledged, by country of operation" : "accusations against the state");
      legend.selectAll("rect.step").data(steps).join("rect").attr("class", "step")
        .attr("x", function (d, i) { return i * 16; }).attr("y", 0).attr("width", 16).attr("height", 10)
        .attr("fill", function (d) { return d === 0 ? EMPTY : colour(d * max); });
      legend.append("text").attr("x", 0).attr("y", 24).text("0");
      legend.append("text").attr("x", 176).attr("y", 24).attr("text-anchor", "end").text(String(max));
      var shaded = data.countries.filter(function (c) { return count(c) > 0; });
      var placed = shaded.filter(function (c) { return c.atlas_name; });
      els.count.textContent = placed.length + " countries shaded" +
        (shaded.length > placed.length ? "; " + (shaded.length - placed.length) + " with claims could not be placed (listed under the map)" : "") + ".";
      drawUnplaced();
      if (selected !== null) { show(byName[selected], selected); }
      app.dataset.ready = "1";
    }

    function drawUnplaced() {
      els.unplaced.innerHTML = "";
      var missing = data.countries.filter(function (c) { return !c.atlas_name && count(c) > 0; });
      if (!missing.length) { return; }
      els.unplaced.appendChild(el("h2", "Not on the map"));
      els.unplaced.appendChild(el("p", data.atlas ? "The graph's names for these countries are not the atlas's, and " +
        "the graph records no ISO codes to match them by:" : "The world atlas is not installed (npm ci):", "hint"));
      var ul = el("ul");
      missing.forEach(function (c) {
        var li = el("li");
        var b = el("button", c.label);
        b.type = "button";
        b.addEventListener("click", function () { selected = null; draw(); show(c, c.label); });
        li.appendChild(b);
        li.appendChild(document.createTextNode(" " + describe(c)));
        ul.appendChild(li);
      });
      els.unplaced.appendChild(ul);
    }

    countries.on("click", function (event, f) {
      selected = f.properties.name;
      countries.classed("selected", function (g) { return g.properties.name === selected; });
      show(byName[selected], selected);
    });
    els.filters.addEventListener("change", draw);
    window.allegianceMap = { data: data, draw: draw };
    draw();
  }

  Promise.all([app.dataset.src, app.dataset.atlas].map(function (url) {
    return fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status + " " + r.statusText); } return r.json(); });
  }))
    .then(function (both) { init(both[0], both[1]); })
    .catch(function (err) { els.count.textContent = "The map could not be loaded: " + err.message; });
}());
