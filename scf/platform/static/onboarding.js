// Batch onboarding upload: post the form ourselves to show progress for long files.
// The server streams one JSON object per line: {phase, done, total} while it works,
// then {url} (go to the report) or {error}. Without this script the form posts normally.
(function () {
  "use strict";
  var form = document.getElementById("onboarding-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var panel = document.getElementById("onboarding-progress");
  var phase = document.getElementById("onboarding-phase");
  var bar = document.getElementById("onboarding-bar");
  var errorBox = document.getElementById("onboarding-error");
  // Words in the reader's language, from the page (data-strings, translated there).
  var names = JSON.parse(form.dataset.strings || "{}");

  function fail(message) {
    panel.hidden = true;
    form.querySelector("button").disabled = false;
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    form.querySelector("button").disabled = true;
    // Only files that take more than a couple of seconds show the progress bar.
    var timer = window.setTimeout(function () { panel.hidden = false; }, 1500);
    var xhr = new XMLHttpRequest();
    var seen = 0;
    var finished = false;
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Progress", "ndjson");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        phase.textContent = names.uploading || "";
        bar.value = Math.round((100 * e.loaded) / e.total);
      }
    };
    function handle(line) {
      var message;
      try { message = JSON.parse(line); } catch (ignored) { return; }
      if (message.url) {
        finished = true;
        window.clearTimeout(timer);
        window.location.assign(message.url);
      } else if (message.error) {
        finished = true;
        window.clearTimeout(timer);
        fail(message.error);
      } else if (message.phase) {
        phase.textContent = (names[message.phase] || message.phase) + " " + message.done + " / " + message.total;
        bar.value = message.total ? Math.round((100 * message.done) / message.total) : 0;
      }
    }
    function consume() {
      var text = xhr.responseText;
      var end;
      while ((end = text.indexOf("\n", seen)) >= 0) {
        handle(text.slice(seen, end));
        seen = end + 1;
      }
    }
    xhr.onprogress = consume;
    xhr.onload = function () {
      consume();
      if (!finished) { fail((names.failed || "") + ": HTTP " + xhr.status); }
    };
    xhr.onerror = function () { fail(names.network || ""); };
    xhr.send(new FormData(form));
  });
}());
