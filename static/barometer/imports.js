/* The import page's progress bar: asks the server for the progress every second and shows it. Without
   JavaScript the page's "Refresh the progress" link does the same by hand. When the work ends, the page is
   loaded again to show the result (the check's problems, or what was imported). */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("[role=progressbar]");
  var fill = box.querySelector(".import-progress-fill");
  var text = box.querySelector("[data-progress-text]");
  var announce = box.querySelector("[data-progress-announce]");
  var refresh = box.querySelector("[data-progress-refresh]");
  var announcedQuarter = -1;

  if (refresh) {
    refresh.hidden = true; // the page follows the work by itself
  }
  // The page's share so far (a style attribute in the page would be refused by its Content-Security-Policy).
  if (bar.hasAttribute("aria-valuenow")) {
    fill.style.width = bar.getAttribute("aria-valuenow") + "%";
  }

  function show(data) {
    if (data.percent === null) {
      bar.removeAttribute("aria-valuenow");
      bar.classList.add("is-indeterminate");
    } else {
      bar.classList.remove("is-indeterminate");
      bar.setAttribute("aria-valuenow", String(data.percent));
      fill.style.width = data.percent + "%";
    }
    bar.setAttribute("aria-valuetext", data.text);
    text.textContent = data.text;
    // A screen reader hears every quarter (and "saving"), not every second.
    var quarter = data.saving ? 4 : data.percent === null ? -1 : Math.floor(data.percent / 25);
    if (quarter > announcedQuarter) {
      announcedQuarter = quarter;
      announce.textContent = data.text;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.working || data.stale) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A dropped connection or a restarting server: try again a little later.
        if (refresh) {
          refresh.hidden = false;
        }
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
