/* The interactive timeline of /timeline: d3 (served from node_modules at /static/vendor/d3/), data from
 * /timeline.json. One lane per kind of claim or event; a mark spans what its stated date can stand for (a year, a
 * month) or is a point (a day); marks that would overlap in a lane go to rows of their own. Hover or focus shows
 * the claim and its source, a click opens the claim's page. Undated claims are listed beside, under the same
 * filters. window.allegianceTimeline exposes the data and the redraw to tests. */
(function () {
  "use strict";
  var app = document.getElementById("timeline-app");
  if (!app || !window.d3) { return; }
  var d3 = window.d3;
  var root = app.dataset.root || "";
  var STATUS_COLOURS = { "alleged": "#0072B2", "denied": "#D55E00", "disputed": "#E69F00",
                         "corroborated": "#009E73", "": "#777777" };
  var LEFT = 160, RIGHT = 16, TOP = 26, BOTTOM = 26, ROW = 13, BAR = 9, LANE_GAP = 10;
  var els = {
    lanes: document.getElementById("timeline-lanes"), statuses: document.getElementById("timeline-statuses"),
    count: document.getElementById("timeline-count"), chart: document.getElementById("timeline-chart"),
    undated: document.getElementById("timeline-undated"), legend: document.getElementById("timeline-legend")
  };
  var tip = document.createElement("div");
  tip.className = "picture-tooltip";
  tip.hidden = true;
  document.body.appendChild(tip);

  function day(iso) { return new Date(iso + "T00:00:00Z"); }
  function nextDay(iso) { var d = day(iso); d.setUTCDate(d.getUTCDate() + 1); return d; }
  function checked(fieldset) {
    var on = {};
    fieldset.querySelectorAll("input").forEach(function (b) { on[b.value] = b.checked; });
    return on;
  }
  function checkbox(parent, value, label, colour) {
    var l = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.value = value; box.checked = true;
    l.appendChild(box);
    if (colour) { var s = document.createElement("span"); s.className = "swatch"; s.style.background = colour; l.appendChild(s); }
    l.appendChild(document.createTextNode(" " + label));
    parent.appendChild(l);
  }
  function sourceText(m) { return m.sources.map(function (s) { return s.title; }).join("; "); }

  function showTip(m, event) {
    tip.innerHTML = "";
    var title = document.createElement("div");
    title.textContent = m.label;
    tip.appendChild(title);
    var meta = document.createElement("div");
    meta.className = "meta";
    var when = m.which === "stated" ? m.date : (m.which === "began" ? "began " : "ended ") + m.date;
    meta.textContent = m.lane + " · " + when + " (" + m.precision + ") · " + (m.status || "no status") +
      (m.sources.length ? " · source: " + sourceText(m) : "");
    tip.appendChild(meta);
    if (m.excerpt) {
      var q = document.createElement("blockquote");
      q.textContent = m.excerpt.length > 280 ? m.excerpt.slice(0, 277) + "…" : m.excerpt;
      tip.appendChild(q);
    }
    tip.hidden = false;
    var x = event && event.pageX !== undefined ? event.pageX : window.scrollX + event.target.getBoundingClientRect().left;
    var y = event && event.pageY !== undefined ? event.pageY : window.scrollY + event.target.getBoundingClientRect().bottom;
    tip.style.left = Math.min(x + 12, window.scrollX + document.documentElement.clientWidth - 460) + "px";
    tip.style.top = (y + 14) + "px";
  }
  function hideTip() { tip.hidden = true; }

  // rows in a lane: each mark goes to the first row where it does not overlap the one before it
  function pack(marks, x) {
    var ends = [];
    return marks.map(function (m) {
      var x0 = x(day(m.start)), x1 = m.precision === "day" ? x0 + 5 : Math.max(x0 + 3, x(nextDay(m.end)));
      if (m.precision === "day") { x0 -= 5; }
      var row = ends.findIndex(function (end) { return end + 2 <= x0; });
      if (row < 0) { row = ends.length; ends.push(x1); } else { ends[row] = x1; }
      return { mark: m, row: row };
    });
  }

  function init(data) {
    data.lanes.forEach(function (l) { checkbox(els.lanes, l, l); });
    data.statuses.forEach(function (s) { checkbox(els.statuses, s, s || "no status", STATUS_COLOURS[s] || "#777"); });
    Object.keys(STATUS_COLOURS).forEach(function (s) {
      if (data.statuses.indexOf(s) < 0) { return; }
      var li = document.createElement("li");
      var dot = document.createElement("span"); dot.className = "dot"; dot.style.background = STATUS_COLOURS[s];
      li.appendChild(dot); li.appendChild(document.createTextNode(" " + (s || "no status")));
      els.legend.appendChild(li);
    });
    var note = document.createElement("li");
    note.textContent = "bars: dated to the year or the month (the span it can stand for); dots: dated to the day";
    els.legend.appendChild(note);
    var years = data.marks.map(function (m) { return Number(m.start.slice(0, 4)); })
      .concat(data.marks.map(function (m) { return Number(m.end.slice(0, 4)); }));
    var first = Math.min.apply(null, years), last = Math.max.apply(null, years);

    function draw() {
      var lanes = checked(els.lanes), statuses = checked(els.statuses);
      var keep = function (m) { return lanes[m.lane] && statuses[m.status || ""]; };
      var marks = data.marks.filter(keep), undated = data.undated.filter(keep);
      var width = Math.max(640, els.chart.clientWidth - 2);
      var x = d3.scaleUtc().domain([Date.UTC(first, 0, 1), Date.UTC(last + 1, 0, 1)]).range([LEFT, width - RIGHT]);
      var y = TOP, layout = [];
      data.lanes.filter(function (l) { return lanes[l]; }).forEach(function (l) {
        var packed = pack(marks.filter(function (m) { return m.lane === l; }), x);
        var rows = Math.max(1, d3.max(packed, function (p) { return p.row + 1; }) || 1);
        layout.push({ lane: l, y: y, height: rows * ROW + LANE_GAP, packed: packed });
        y += rows * ROW + LANE_GAP;
      });
      var height = y + BOTTOM;
      els.chart.innerHTML = "";
      var svg = d3.select(els.chart).append("svg").attr("width", width).attr("height", height)
        .attr("role", "img").attr("aria-label", "Timeline of dated claims, one lane per kind");
      var ticks = x.ticks(d3.utcYear.every(1));
      svg.append("g").attr("transform", "translate(0," + TOP + ")")
        .call(d3.axisTop(x).ticks(d3.utcYear.every(1)).tickFormat(d3.utcFormat("%Y")));
      svg.append("g").attr("transform", "translate(0," + (height - BOTTOM) + ")")
        .call(d3.axisBottom(x).ticks(d3.utcYear.every(1)).tickFormat(d3.utcFormat("%Y")));
      var lanesG = svg.append("g");
      layout.forEach(function (l, i) {
        var g = lanesG.append("g").attr("class", "lane").attr("data-lane", l.lane);
        if (i % 2 === 0) {
          g.append("rect").attr("class", "lane-band").attr("x", 0).attr("y", l.y).attr("width", width)
            .attr("height", l.height);
        }
        g.append("text").attr("class", "lane-label").attr("x", 6).attr("y", l.y + 14)
          .text(l.packed.length ? l.lane : l.lane + ": none dated");
      });
      svg.append("g").selectAll("line").data(ticks).join("line").attr("x1", x).attr("x2", x)
        .attr("y1", TOP).attr("y2", height - BOTTOM).attr("stroke", "#dde1e5").attr("stroke-width", 1);
      layout.forEach(function (l) {
        var a = svg.append("g").selectAll("a").data(l.packed).join("a")
          .attr("class", "mark").attr("href", function (p) { return p.mark.href ? root + p.mark.href : null; })
          .attr("data-claim", function (p) { return p.mark.claim; })
          .attr("data-precision", function (p) { return p.mark.precision; })
          .attr("aria-label", function (p) { return p.mark.label + ", " + p.mark.date; })
          .on("mouseenter", function (event, p) { showTip(p.mark, event); })
          .on("mousemove", function (event, p) { showTip(p.mark, event); })
          .on("focus", function (event, p) { showTip(p.mark, event); })
          .on("mouseleave", hideTip).on("blur", hideTip);
        var top = function (p) { return l.y + 4 + p.row * ROW; };
        var colour = function (p) { return STATUS_COLOURS[p.mark.status || ""] || "#777"; };
        a.filter(function (p) { return p.mark.precision !== "day"; }).append("rect")
          .attr("x", function (p) { return x(day(p.mark.start)); }).attr("y", top)
          .attr("width", function (p) { return Math.max(3, x(nextDay(p.mark.end)) - x(day(p.mark.start))); })
          .attr("height", BAR).attr("rx", 2).attr("fill", colour).attr("fill-opacity", 0.75);
        a.filter(function (p) { return p.mark.precision === "day"; }).append("circle")
          .attr("cx", function (p) { return x(day(p.mark.start)); })
          .attr("cy", function (p) { return top(p) + BAR / 2; }).attr("r", 4.5).attr("fill", colour);
      });
      drawUndated(undated);
      els.count.textContent = marks.length + " dated claims and events shown; " + undated.length +
        " undated listed beside.";
      app.dataset.ready = "1";
    }

    function drawUndated(undated) {
      els.undated.innerHTML = "";
      var h = document.createElement("h2");
      h.textContent = "Undated (" + undated.length + ")";
      els.undated.appendChild(h);
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = "The sources give no date for these; they are not on the time axis.";
      els.undated.appendChild(note);
      data.lanes.forEach(function (l) {
        var mine = undated.filter(function (m) { return m.lane === l; });
        if (!mine.length) { return; }
        var h3 = document.createElement("h3");
        h3.textContent = l + " (" + mine.length + ")";
        els.undated.appendChild(h3);
        var ul = document.createElement("ul");
        mine.forEach(function (m) {
          var li = document.createElement("li");
          var a = document.createElement(m.href ? "a" : "span");
          if (m.href) { a.href = root + m.href; }
          a.textContent = m.label;
          a.title = (m.status || "no status") + (m.sources.length ? " · source: " + sourceText(m) : "");
          li.appendChild(a);
          ul.appendChild(li);
        });
        els.undated.appendChild(ul);
      });
    }

    [els.lanes, els.statuses].forEach(function (el) { el.addEventListener("change", draw); });
    var resize = null;
    window.addEventListener("resize", function () { clearTimeout(resize); resize = setTimeout(draw, 150); });
    window.allegianceTimeline = { data: data, draw: draw };
    draw();
  }

  fetch(app.dataset.src, { headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status + " " + r.statusText); } return r.json(); })
    .then(init)
    .catch(function (err) { els.count.textContent = "The timeline could not be loaded: " + err.message; });
}());
