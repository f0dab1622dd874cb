// The question form: shows only the parts that fit the chosen kind (options, rows, number limits). Without
// JavaScript every part is shown and the server ignores what the kind does not use.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) return;
  var parts = document.querySelectorAll("[data-kinds]");
  function update() {
    parts.forEach(function (part) {
      part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind.value) === -1;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
