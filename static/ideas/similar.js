// "Similar ideas already sent" while a person writes an idea: after a pause in typing, asks the server for
// public ideas like the title and text, and lists them. Without this script the page shows the same list after a
// send that did not go through.
(function () {
  "use strict";
  var box = document.querySelector("[data-similar-url]");
  if (!box || !window.fetch) return;
  var form = box.closest("form") || document;
  var title = form.querySelector("[name=title]");
  var text = form.querySelector("[name=text]");
  var results = box.querySelector("[data-similar-results]");
  var newTab = box.querySelector(".visually-hidden");
  var newTabText = newTab ? newTab.textContent : "";
  var timer = null;
  var last = "";

  function render(ideas) {
    results.textContent = "";
    if (!ideas.length) {
      box.hidden = true;
      return;
    }
    var list = document.createElement("ul");
    ideas.forEach(function (idea) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = idea.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = idea.title + " ";
      if (newTabText) {
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = newTabText;
        link.appendChild(hint);
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    results.appendChild(list);
    box.hidden = false;
  }

  function ask() {
    var value = ((title && title.value) || "") + "\n" + ((text && text.value) || "");
    if (value.trim().length < 4 || value === last) return;
    last = value;
    var params = new URLSearchParams({ text: value });
    if (box.dataset.challenge) params.set("challenge", box.dataset.challenge);
    else params.set("organisation", box.dataset.organisation);
    fetch(box.dataset.similarUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data.ideas); })
      .catch(function () { /* suggestions are a help, not a step: a failed request changes nothing */ });
  }

  [title, text].forEach(function (field) {
    if (!field) return;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 700);
    });
  });
})();
