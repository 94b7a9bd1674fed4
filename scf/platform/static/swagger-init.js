// Starts the vendored Swagger UI on /api/v1/docs from data attributes (no inline script).
// validatorUrl is off: the online validator badge would load an image from the internet.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui-container");
  var config = { url: node.dataset.specUrl, dom_id: "#swagger-ui-container", validatorUrl: null };
  var extra = JSON.parse(node.dataset.config || "{}");
  for (var key in extra) {
    if (Object.prototype.hasOwnProperty.call(extra, key)) { config[key] = extra[key]; }
  }
  window.addEventListener("load", function () { window.ui = SwaggerUIBundle(config); });
})();
