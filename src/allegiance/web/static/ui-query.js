/* The query page: YASGUI when it is installed (npm ci), a plain form with a table otherwise.
   - the endpoint is given to YASGUI as an absolute URL (its error display needs one);
   - every error shows the server's message (problem+json or plain text);
   - result IRIs of the project link to this server's pages, abbreviated with the project's prefixes, and literals
     show a short datatype;
   - every canned query is one click away, its parameters as form fields, run through /api/<name>;
   - links download the current query's results in every format. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ui-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = {};
  config.examples.forEach(function (q) { examples[q.name] = q; });
  var picker = document.getElementById("example-picker");
  var description = document.getElementById("example-description");
  var cannedForm = document.getElementById("canned-form");
  var yasgui = null;
  var plain = document.getElementById("plain-query");
  var current = null;  // the canned query loaded last
  var KINDS = ["id", "source", "concept"];
  var namespaces = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  // --- terms as the pages show them
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function localHref(iri) {
    if (iri.indexOf(config.ontology + "#") === 0) { return config.root + "/ontology.html#" + iri.slice(config.ontology.length + 1); }
    if (iri === config.ontology) { return config.root + "/ontology"; }
    if (iri.indexOf(config.base) === 0) {
      var rest = iri.slice(config.base.length);
      if (KINDS.indexOf(rest.split("/")[0]) >= 0 && rest.indexOf("/") > 0) { return config.root + "/" + rest + ".html"; }
    }
    return null;
  }

  function shortName(iri, extra) {
    var all = namespaces.concat(Object.keys(extra || {}).map(function (p) { return [p, extra[p]]; }));
    for (var i = 0; i < all.length; i++) {
      var ns = all[i][1], local = iri.slice(ns.length);
      if (ns && iri.indexOf(ns) === 0 && local && local.indexOf("/") < 0 && local.indexOf("#") < 0) { return all[i][0] + ":" + local; }
    }
    return null;
  }

  function iriHtml(iri, extra) {
    var href = localHref(iri) || iri;
    var name = shortName(iri, extra);
    return "<a class='iri' href='" + escapeHtml(href) + "' title='" + escapeHtml(iri) + "'>" +
      escapeHtml(name || "<" + iri + ">") + "</a>";
  }

  function literalHtml(binding, extra) {
    var text = escapeHtml(binding.value);
    if (binding["xml:lang"]) { return text + "<sup class='lang'>@" + escapeHtml(binding["xml:lang"]) + "</sup>"; }
    if (binding.datatype && binding.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
      return text + "<sup class='datatype' title='" + escapeHtml(binding.datatype) + "'>" +
        escapeHtml(shortName(binding.datatype, extra) || binding.datatype) + "</sup>";
    }
    return text;
  }

  function cellHtml(binding, extra) {
    if (!binding) { return ""; }
    if (binding.type === "uri") { return "<span>" + iriHtml(binding.value, extra) + "</span>"; }
    if (binding.type === "bnode") { return "<span class='bnode'>_:" + escapeHtml(binding.value) + "</span>"; }
    return "<span class='nonIri'>" + literalHtml(binding, extra) + "</span>";
  }

  // --- errors: the server's own message
  function problem(text, status) {
    var out = { status: status, title: "", detail: text || "" };
    try {
      var body = JSON.parse(text);
      if (body && typeof body === "object" && body.detail !== undefined) {
        out.status = body.status || status; out.title = body.title || ""; out.detail = String(body.detail);
        if (body.parameter) { out.detail += " (parameter: " + body.parameter + ")"; }
      }
    } catch (e) { /* plain text */ }
    if (!out.detail) { out.detail = "the server gave no message" + (status ? " (HTTP " + status + ")" : ""); }
    return out;
  }

  function errorElement(text, status) {
    var p = problem(text, status);
    var div = document.createElement("div");
    div.className = "server-error";
    div.setAttribute("role", "alert");
    var head = document.createElement("p");
    head.className = "error-status";
    head.textContent = "The server refused the query" + (p.status ? ": " + p.status + (p.title ? " " + p.title : "") : "");
    var pre = document.createElement("pre");
    pre.className = "error-message";
    pre.textContent = p.detail;
    div.appendChild(head); div.appendChild(pre);
    return div;
  }

  // --- downloads
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
          a.href = endpoint + "?query=" + encodeURIComponent(text) + "&format=" + a.getAttribute("data-format");
          a.removeAttribute("aria-disabled");
        } else {
          a.removeAttribute("href");
          a.setAttribute("aria-disabled", "true");
        }
      });
    });
  }

  // --- canned queries: one click loads one, its parameters become fields
  function field(f) {
    var label = document.createElement("label");
    label.className = "field";
    var name = document.createElement("span");
    name.textContent = f.name + (f.required ? " (required)" : "");
    label.appendChild(name);
    var input;
    if (f.enum.length) {
      input = document.createElement("select");
      if (!f.required) { input.appendChild(new Option("(any)", "")); }
      f.enum.forEach(function (v) { input.appendChild(new Option(v, v, false, v === f["default"])); });
    } else {
      input = document.createElement("input");
      input.type = "text"; input.size = 52; input.value = f["default"]; input.placeholder = f.description;
    }
    input.name = f.name;
    input.setAttribute("data-parameter", f.name);
    if (f.required) { input.required = true; }
    label.appendChild(input);
    var hint = document.createElement("small");
    hint.textContent = f.description;
    label.appendChild(hint);
    return label;
  }

  function apiUrl(q) {
    var params = new URLSearchParams();
    cannedForm.querySelectorAll("[data-parameter]").forEach(function (input) {
      if (input.value.trim()) { params.append(input.name, input.value.trim()); }
    });
    var rest = params.toString();
    return config.api + "/" + encodeURIComponent(q.name) + (rest ? "?" + rest : "");
  }

  function updateApiLink() {
    if (current) { document.getElementById("canned-api").href = apiUrl(current); }
  }

  function load(name, keepText) {
    var q = examples[name];
    if (!q) { return; }
    current = q;
    if (keepText) {
      /* a query given in the page's URL stays in the editor */
    } else if (yasgui) {
      var tab = yasgui.getTab();
      tab.setQuery(q.text);
      tab.setName(q.name);
    } else if (plain) {
      plain.value = q.text;
    }
    picker.value = q.name;
    document.getElementById("canned-title").textContent = q.summary;
    description.textContent = q.description || "";
    var fields = document.getElementById("canned-fields");
    fields.textContent = "";
    q.fields.forEach(function (f) { fields.appendChild(field(f)); });
    cannedForm.action = config.api + "/" + encodeURIComponent(q.name);
    cannedForm.hidden = false;
    document.querySelectorAll(".canned-query").forEach(function (b) { b.classList.toggle("current", b.value === q.name); });
    updateApiLink();
    updateDownloads();
  }

  function showAnswer(status, contentType, body, started) {
    var ms = Date.now() - started;
    if (yasgui) {
      var yasr = yasgui.getTab().getYasr();
      if (status >= 400) {
        yasr.setResponse({ error: { status: status, text: body }, executionTime: ms });
      } else {
        yasr.setResponse({ data: body, contentType: contentType, status: status, executionTime: ms });
      }
      return;
    }
    var target = document.getElementById("plain-results");
    target.textContent = "";
    if (status >= 400) { target.appendChild(errorElement(body, status)); return; }
    if (contentType.indexOf("json") >= 0) { renderTable(target, JSON.parse(body)); return; }
    var pre = document.createElement("pre"); pre.textContent = body; target.appendChild(pre);
  }

  function runCanned(event) {
    event.preventDefault();
    if (!current) { return; }
    var started = Date.now();
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(current.form);
    fetch(apiUrl(current), { headers: { "Accept": graph ? "text/turtle" : "application/sparql-results+json" } })
      .then(function (response) {
        return response.text().then(function (body) {
          showAnswer(response.status, response.headers.get("content-type") || "", body, started);
        });
      }).catch(function (error) { showAnswer(0, "", String(error.message || error), started); });
  }

  // --- the plain form and its table, when YASGUI is absent
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
      vars.forEach(function (v) { tr.insertCell().innerHTML = cellHtml(row[v]); });
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
    var started = Date.now();
    target.textContent = "running…";
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": graph ? "text/turtle" : "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(text)
    }).then(function (response) {
      return response.text().then(function (body) {
        showAnswer(response.status, response.headers.get("content-type") || "", body, started);
      });
    }).catch(function (error) { showAnswer(0, "", String(error.message || error), started); });
  }

  // --- start
  var first = examples[config.initial] || config.examples[0];
  if (window.Yasgui && document.getElementById("yasgui")) {
    var Yasr = window.Yasgui.Yasr || window.Yasr;
    if (Yasr) {
      // the server's message for every refused query (YASGUI passes the response body as the error's text)
      Yasr.defaults.errorRenderers = [function (error) {
        return Promise.resolve(errorElement(error && error.text, error && error.status));
      }];
      var Table = Yasr.plugins && Yasr.plugins.table;
      if (Table) {
        Table.prototype.getCellContent = function (binding, prefixes) { return "<div>" + cellHtml(binding, prefixes) + "</div>"; };
      }
    }
    yasgui = new window.Yasgui(document.getElementById("yasgui"), {
      requestConfig: {
        endpoint: endpoint,
        method: "POST",
        acceptHeaderSelect: "application/sparql-results+json",
        acceptHeaderGraph: "text/turtle"
      },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      populateFromUrl: true,
      persistenceId: null,
      autofocus: false,
      yasqe: { value: first ? first.text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
      yasr: { prefixes: config.prefixes }
    });
    // YASGUI rethrows a refused query's error after showing it: the page has shown it, so the console need not
    var refused = new WeakSet();
    var watch = function (tab) {
      tab.getYasqe().on("queryResponse", function (response) { if (response instanceof Error) { refused.add(response); } });
    };
    var shown = function (error) { return error instanceof Error && refused.has(error); };
    window.addEventListener("error", function (event) { if (shown(event.error)) { event.preventDefault(); } });
    window.addEventListener("unhandledrejection", function (event) { if (shown(event.reason)) { event.preventDefault(); } });
    watch(yasgui.getTab());
    yasgui.on("tabSelect", function () { setTimeout(updateDownloads, 0); });
    yasgui.on("tabChange", updateDownloads);
    yasgui.on("query", updateDownloads);
    yasgui.getTab().getYasqe().on("change", updateDownloads);
    yasgui.on("tabAdd", function () {
      setTimeout(function () { watch(yasgui.getTab()); yasgui.getTab().getYasqe().on("change", updateDownloads); updateDownloads(); }, 0);
    });
    window.allegianceYasgui = yasgui;  // for tests and the console
  } else if (plain) {
    plain.addEventListener("input", updateDownloads);
    document.getElementById("plain-form").addEventListener("submit", runPlain);
  }
  if (first) { load(first.name, /[?&]query=/.test(window.location.search + "&" + window.location.hash.slice(1))); }
  picker.addEventListener("change", function () { load(picker.value); });
  document.getElementById("example-load").addEventListener("click", function () { load(picker.value); });
  document.querySelectorAll(".canned-query").forEach(function (b) {
    b.addEventListener("click", function () { load(b.value); });
  });
  cannedForm.addEventListener("submit", runCanned);
  description.addEventListener("click", function () { description.classList.toggle("open"); });
  cannedForm.addEventListener("input", updateApiLink);
  cannedForm.addEventListener("change", updateApiLink);
  document.querySelectorAll("#downloads a").forEach(function (a) {
    a.addEventListener("mousedown", updateDownloads);
    a.addEventListener("focus", updateDownloads);
  });
  updateDownloads();
})();
