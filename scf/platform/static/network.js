/* The network viewer (关系网络): draws the ego network from the API with the vendored
 * Cytoscape.js, colours nodes by type or risk, sizes them by exposure, highlights
 * guarantee circles, loads the side panel of the selected firm, runs "what if it
 * defaults" (假设违约) and shows the cascade round by round, exports a PNG.
 *
 * No inline script (the CSP forbids it): everything the page passes is in data-*
 * attributes of #cy. Side panel and cascade are server-rendered HTML fragments
 * (translated and formatted there), inserted as they come. */
(function () {
  "use strict";

  var box = document.getElementById("cy");
  if (!box || typeof cytoscape !== "function") {
    return;
  }
  var strings = JSON.parse(box.dataset.strings || "{}");
  var status = document.getElementById("graph-status");
  var sidePanel = document.getElementById("side-panel");
  var cascade = document.getElementById("cascade");
  var whatIfButton = document.getElementById("what-if");
  var colourBy = document.getElementById("colour-by");
  var layoutSelect = document.getElementById("layout");
  var selected = null; // the node whose panel is shown
  var cy = null;

  function format(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  var TYPE_COLOURS = {
    core_enterprise: "#8e1b1b",
    market_administrator: "#6a3d9a",
    guarantee_company: "#b15928",
    warehouse_supervisor: "#7f6a3a",
    supplier: "#1f78b4",
    dealer: "#33a02c",
    merchant: "#e6a100",
    individual_business: "#d4b106",
    person: "#8c8c8c",
    enterprise: "#4d6b8a",
    market: "#cab2d6",
    joint_guarantee_group: "#b2df8a",
    hidden: "#d9d9d9"
  };
  var DELINQUENCY_COLOURS = {
    normal: "#2e8b57",
    special_mention: "#e6c200",
    substandard: "#f07f13",
    doubtful: "#d7301f",
    loss: "#67000d",
    none: "#bfbfbf"
  };
  var SIZE_COLOURS = {
    large: "#08306b",
    medium: "#2171b5",
    small: "#6baed6",
    micro: "#c6dbef",
    none: "#e0e0e0"
  };
  /* Cascade rounds in magenta to purple, apart from the type and risk palettes. */
  var ROUND_COLOURS = ["#49006a", "#7a0177", "#ae017e", "#dd3497", "#f768a1", "#fa9fb5"];

  function alertsColour(count) {
    if (!count) {
      return "#9ecae1";
    }
    return count >= 3 ? "#d7301f" : "#f07f13";
  }

  function colourOf(data, mode) {
    if (data.hidden) {
      return TYPE_COLOURS.hidden;
    }
    var isParty = data.type !== "market" && data.type !== "joint_guarantee_group";
    if (mode === "delinquency" && isParty) {
      return DELINQUENCY_COLOURS[data.delinquency_class || "none"];
    }
    if (mode === "alerts" && isParty) {
      return alertsColour(data.open_alerts);
    }
    if (mode === "size" && isParty) {
      return SIZE_COLOURS[data.size_class || "none"];
    }
    return TYPE_COLOURS[data.type] || "#4d6b8a";
  }

  /* Node diameter: 18 px, growing with the square root of exposure (万元). */
  function sizeOf(data) {
    var exposure = parseFloat(data.exposure || "0") / 10000; // display only, not money arithmetic
    if (!(exposure > 0)) {
      return 18;
    }
    return Math.min(80, 18 + 4 * Math.sqrt(exposure));
  }

  function elements(body) {
    var out = [];
    body.nodes.forEach(function (n) {
      var data = Object.assign({}, n);
      data.label = n.hidden ? n.id : n.label;
      data.colour = colourOf(n, "type");
      data.size = n.hidden ? 16 : sizeOf(n);
      if (n.id === body.center) {
        data.size = Math.max(data.size, 40); // the firm asked about stands out
      }
      var classes = [n.hidden ? "hidden" : "visible"];
      if (n.in_circle) {
        classes.push("circle");
      }
      if (n.id === body.center) {
        classes.push("center");
      }
      out.push({ group: "nodes", data: data, classes: classes.join(" ") });
    });
    body.edges.forEach(function (e) {
      out.push({
        group: "edges",
        data: Object.assign({}, e),
        classes: "kind-" + e.kind + (e.in_circle ? " circle" : "")
      });
    });
    return out;
  }

  /* Concentric rings by distance from the centre; a crowded distance is spread over
   * several rings (ring k holds 16 + 12k nodes) so that 200 suppliers stay readable.
   * Within a distance, nodes are ordered by type then exposure, so kinds sit together. */
  function assignRings() {
    var byDepth = {};
    cy.nodes().forEach(function (node) {
      var depth = node.data("depth") || 0;
      (byDepth[depth] = byDepth[depth] || []).push(node);
    });
    var ring = 0;
    Object.keys(byDepth)
      .map(Number)
      .sort(function (a, b) { return a - b; })
      .forEach(function (depth) {
        var nodes = byDepth[depth].sort(function (a, b) {
          var ta = a.data("type") || "", tb = b.data("type") || "";
          if (ta !== tb) {
            return ta < tb ? -1 : 1;
          }
          return parseFloat(b.data("exposure") || "0") - parseFloat(a.data("exposure") || "0");
        });
        var index = 0;
        while (index < nodes.length) {
          var capacity = depth === 0 ? 1 : 16 + 12 * ring;
          nodes.slice(index, index + capacity).forEach(function (node) {
            node.data("ring", ring);
          });
          index += capacity;
          ring += 1;
        }
      });
    return ring;
  }

  function layoutOptions(name, center) {
    if (name === "cose") {
      return { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 80, randomize: false };
    }
    if (name === "breadthfirst") {
      return { name: "breadthfirst", directed: false, roots: center ? "#" + cssId(center) : undefined, spacingFactor: 1.1, animate: false };
    }
    var rings = assignRings();
    return {
      name: "concentric",
      animate: false,
      minNodeSpacing: 10,
      concentric: function (node) {
        return rings - node.data("ring");
      },
      levelWidth: function () {
        return 1;
      }
    };
  }

  /* Run a layout, then keep a small picture from being blown up to the whole box. */
  function runLayout(options) {
    var layout = cy.layout(options);
    layout.one("layoutstop", function () {
      cy.fit(undefined, 30);
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
    });
    layout.run();
  }

  function cssId(id) {
    return id.replace(/([:.])/g, "\\$1");
  }

  function recolour() {
    var mode = colourBy.value;
    cy.nodes().forEach(function (node) {
      node.data("colour", colourOf(node.data(), mode));
    });
    document.querySelectorAll("#legend [data-legend]").forEach(function (part) {
      part.hidden = part.dataset.legend !== mode;
    });
  }

  function referenceOf(node) {
    var data = node.data();
    if (data.hidden || !data.id || data.id.indexOf("p:") !== 0) {
      return null;
    }
    return data.uscc || null;
  }

  function showPanel(node) {
    var reference = referenceOf(node);
    whatIfButton.disabled = !reference;
    if (!reference) {
      sidePanel.textContent = strings.select_party || "";
      return;
    }
    selected = node;
    cy.nodes().removeClass("selected");
    node.addClass("selected");
    sidePanel.setAttribute("aria-busy", "true");
    fetch(box.dataset.panel.replace("__REF__", encodeURIComponent(reference)), {
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, text: text };
        });
      })
      .then(function (result) {
        sidePanel.innerHTML = result.ok ? result.text : strings.failed;
        sidePanel.removeAttribute("aria-busy");
      });
  }

  function clearCascade() {
    cy.nodes().removeClass("defaulted called").forEach(function (node) {
      node.removeData("round");
      node.removeData("calledRound");
    });
  }

  function showRounds(upTo) {
    cy.nodes().forEach(function (node) {
      var round = node.data("round");
      var shown = round && (upTo === "all" || round <= upTo);
      node.toggleClass("defaulted", !!shown);
      var called = node.data("calledRound");
      node.toggleClass("called", !shown && !!called && (upTo === "all" || called <= upTo));
      if (shown) {
        node.data("roundColour", ROUND_COLOURS[Math.min(round, ROUND_COLOURS.length) - 1]);
      }
    });
    cascade.querySelectorAll("tbody[data-round]").forEach(function (body) {
      var round = parseInt(body.dataset.round, 10);
      body.classList.toggle("dim", upTo !== "all" && round > upTo);
    });
    cascade.querySelectorAll("[data-show-round]").forEach(function (button) {
      button.classList.toggle("current", String(upTo) === button.dataset.showRound);
    });
  }

  function runWhatIf() {
    if (!selected) {
      return;
    }
    var reference = referenceOf(selected);
    if (!reference) {
      return;
    }
    whatIfButton.disabled = true;
    status.textContent = strings.running;
    fetch(box.dataset.whatIf.replace("__REF__", encodeURIComponent(reference)), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": box.dataset.csrf }
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, text: text };
        });
      })
      .then(function (result) {
        whatIfButton.disabled = false;
        cascade.hidden = false;
        if (!result.ok) {
          cascade.textContent = strings.failed;
          status.textContent = strings.failed;
          return;
        }
        cascade.innerHTML = result.text;
        clearCascade();
        cascade.querySelectorAll("tr[data-node]").forEach(function (row) {
          var node = cy.getElementById(row.dataset.node);
          var round = parseInt(row.dataset.round, 10);
          if (node.nonempty() && (!node.data("round") || round < node.data("round"))) {
            node.data("round", round);
          }
        });
        cascade.querySelectorAll("tr[data-called-node]").forEach(function (row) {
          var node = cy.getElementById(row.dataset.calledNode);
          var round = parseInt(row.dataset.round, 10);
          if (node.nonempty() && (!node.data("calledRound") || round < node.data("calledRound"))) {
            node.data("calledRound", round);
          }
        });
        cascade.querySelectorAll("[data-show-round]").forEach(function (button) {
          button.addEventListener("click", function () {
            var value = button.dataset.showRound;
            showRounds(value === "all" ? "all" : parseInt(value, 10));
          });
        });
        showRounds("all");
        status.textContent = format(strings.loaded, { nodes: cy.nodes().length, edges: cy.edges().length });
        cascade.scrollIntoView({ behavior: "smooth", block: "start" });
      });
  }

  function exportPng() {
    var link = document.createElement("a");
    link.href = cy.png({ output: "base64uri", full: true, scale: 2, bg: "#ffffff" });
    link.download = box.dataset.file || "network.png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  var STYLE = [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        width: "data(size)",
        height: "data(size)",
        label: "data(label)",
        "font-size": 9,
        "text-valign": "bottom",
        "text-margin-y": 2,
        "text-wrap": "ellipsis",
        "text-max-width": 110,
        color: "#222",
        "border-width": 1,
        "border-color": "#ffffff"
      }
    },
    { selector: "node.hidden", style: { "border-style": "dashed", "border-color": "#999", color: "#999" } },
    { selector: "node.circle", style: { "border-width": 4, "border-color": "#e31a1c" } },
    { selector: "node.center", style: { "border-width": 5, "border-color": "#111", "font-weight": "bold", "font-size": 11 } },
    { selector: "node.center.circle", style: { "border-color": "#e31a1c", "border-style": "double", "border-width": 7 } },
    { selector: "node.selected", style: { "overlay-color": "#1f78b4", "overlay-opacity": 0.2, "overlay-padding": 6 } },
    {
      selector: "node.defaulted",
      style: { "background-color": "data(roundColour)", "border-width": 3, "border-color": "#000", "border-style": "double" }
    },
    { selector: "node.called", style: { "border-width": 4, "border-color": "#f07f13", "border-style": "dashed" } },
    {
      selector: "edge",
      style: {
        width: 1.2,
        "line-color": "#b8c2cc",
        "target-arrow-color": "#b8c2cc",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.7,
        "curve-style": "bezier"
      }
    },
    { selector: "edge.kind-guarantees", style: { "line-color": "#fb9a99", "target-arrow-color": "#fb9a99", "line-style": "dashed" } },
    { selector: "edge.kind-buyback_for", style: { "line-color": "#fdbf6f", "target-arrow-color": "#fdbf6f", "line-style": "dashed" } },
    { selector: "edge.kind-controls, edge.kind-holds_shares", style: { "line-color": "#6a3d9a", "target-arrow-color": "#6a3d9a" } },
    { selector: "edge.kind-supplies_to", style: { "line-color": "#a6cee3", "target-arrow-color": "#a6cee3" } },
    { selector: "edge.kind-distributes_for", style: { "line-color": "#b2df8a", "target-arrow-color": "#b2df8a" } },
    { selector: "edge.circle", style: { width: 4, "line-color": "#e31a1c", "target-arrow-color": "#e31a1c", "line-style": "solid", "z-index": 10 } }
  ];

  fetch(box.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (body) {
      cy = cytoscape({
        container: box,
        elements: elements(body),
        style: STYLE,
        layout: { name: "preset" },
        wheelSensitivity: 0.3,
        minZoom: 0.1,
        maxZoom: 4
      });
      runLayout(layoutOptions(layoutSelect.value, body.center));
      window.scfNetwork = cy; // for the browser tests and the curious
      var text = format(strings.loaded, { nodes: body.nodes.length, edges: body.edges.length });
      status.textContent = body.truncated ? text + " " + strings.truncated : text;
      box.dataset.ready = "1";
      cy.on("tap", "node", function (event) {
        showPanel(event.target);
      });
      colourBy.addEventListener("change", recolour);
      layoutSelect.addEventListener("change", function () {
        runLayout(layoutOptions(layoutSelect.value, body.center));
      });
      whatIfButton.addEventListener("click", runWhatIf);
      document.getElementById("export-png").addEventListener("click", exportPng);
      var center = cy.getElementById(body.center);
      if (center.nonempty()) {
        showPanel(center);
      }
    })
    .catch(function () {
      status.textContent = strings.failed;
    });
})();
