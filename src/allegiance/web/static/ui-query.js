/* The query page: YASGUI when it is installed (npm ci), a plain form with a table otherwise;
   the canned queries as examples; links that download the current query's results in every format. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ui-config").textContent);
  var examples = {};
  config.examples.forEach(function (q) { examples[q.name] = q; });
  var picker = document.getElementById("example-picker");
  var description = document.getElementById("example-description");
  var yasgui = null;
  var plain = document.getElementById("plain-query");

  function currentQuery() {
    if (yasgui) { return yasgui.getTab().getQuery(); }
    return plain ? plain.value : "";
  }

  function queryForm(text) {
    var body = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, "<>").replace(/"[^"\n]*"/g, '""');
    var m = body.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
    return m ? m[1].toUpperCase() : "SELECT";
  }

  function updateDownloads() {
    var text = currentQuery();
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(queryForm(text));
    document.querySelectorAll("#downloads .group").forEach(function (group) {
      var active = (group.getAttribute("data-kind") === "graph") === graph;
      group.classList.toggle("inactive", !active);
      group.querySelectorAll("a").forEach(function (a) {
        if (active && text.trim()) {
          a.href = config.endpoint + "?query=" + encodeURIComponent(text) + "&format=" + a.getAttribute("data-format");
          a.removeAttribute("aria-disabled");
        } else {
          a.removeAttribute("href");
          a.setAttribute("aria-disabled", "true");
        }
      });
    });
  }

  function describe(name) {
    var q = examples[name];
    if (!q) { return; }
    var text = q.description || "";
    if (q.parameters.length) {
      text += " Parameters: " + q.parameters.join(", ") + " (the ?_name variables; bound to their defaults where the file gives one).";
    }
    description.textContent = text;
  }

  function load(name) {
    var q = examples[name];
    if (!q) { return; }
    if (yasgui) {
      var tab = yasgui.getTab();
      tab.setQuery(q.text);
      tab.setName(q.name);
    } else if (plain) {
      plain.value = q.text;
    }
    describe(name);
    updateDownloads();
  }

  // --- the plain form and its table, when YASGUI is absent
  function cell(binding) {
    if (!binding) { return ""; }
    if (binding.type === "literal" && binding["xml:lang"]) { return binding.value + " @" + binding["xml:lang"]; }
    return binding.value;
  }

  function renderTable(target, data) {
    target.textContent = "";
    if (typeof data.boolean === "boolean") { target.textContent = "ASK: " + data.boolean; return; }
    var vars = data.head.vars, rows = data.results.bindings;
    var table = document.createElement("table");
    table.className = "results";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) {
        var td = tr.insertCell();
        var b = row[v];
        if (b && b.type === "uri") {
          var a = document.createElement("a"); a.href = b.value; a.textContent = b.value; td.appendChild(a);
        } else { td.textContent = cell(b); }
      });
    });
    var count = document.createElement("p");
    count.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s");
    target.appendChild(count);
    target.appendChild(table);
  }

  function runPlain(event) {
    event.preventDefault();
    var target = document.getElementById("plain-results");
    var text = plain.value;
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(queryForm(text));
    target.textContent = "running…";
    fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": graph ? "text/turtle" : "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(text)
    }).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) { throw new Error(response.status + ": " + body); }
        if (graph) {
          var pre = document.createElement("pre"); pre.textContent = body;
          target.textContent = ""; target.appendChild(pre);
        } else { renderTable(target, JSON.parse(body)); }
      });
    }).catch(function (error) {
      target.textContent = "";
      var p = document.createElement("p"); p.className = "error"; p.textContent = String(error.message || error);
      target.appendChild(p);
    });
  }

  // --- start
  var first = examples[config.initial] || config.examples[0];
  if (window.Yasgui && document.getElementById("yasgui")) {
    yasgui = new window.Yasgui(document.getElementById("yasgui"), {
      requestConfig: {
        endpoint: config.endpoint,
        method: "POST",
        acceptHeaderSelect: "application/sparql-results+json",
        acceptHeaderGraph: "text/turtle"
      },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
      populateFromUrl: true,
      persistenceId: null,
      autofocus: false,
      yasqe: { value: first ? first.text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" }
    });
    yasgui.on("tabSelect", function () { setTimeout(updateDownloads, 0); });
    yasgui.on("tabChange", updateDownloads);
    yasgui.on("query", updateDownloads);
    yasgui.getTab().getYasqe().on("change", updateDownloads);
    yasgui.on("tabAdd", function () {
      setTimeout(function () { yasgui.getTab().getYasqe().on("change", updateDownloads); updateDownloads(); }, 0);
    });
    window.allegianceYasgui = yasgui;  // for tests and the console
  } else if (plain) {
    plain.value = first ? first.text : "";
    plain.addEventListener("input", updateDownloads);
    document.getElementById("plain-form").addEventListener("submit", runPlain);
  }
  if (first) { picker.value = first.name; describe(first.name); if (yasgui) { yasgui.getTab().setName(first.name); } }
  picker.addEventListener("change", function () { load(picker.value); });
  document.getElementById("example-load").addEventListener("click", function () { load(picker.value); });
  document.querySelectorAll("#downloads a").forEach(function (a) {
    a.addEventListener("mousedown", updateDownloads);
    a.addEventListener("focus", updateDownloads);
  });
  updateDownloads();
})();
