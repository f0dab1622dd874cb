/* The idea maps (Leaflet, vendored under static/vendor/leaflet).

   [data-map-picker] on the send form: clicking the map or dragging the marker fills in the latitude and longitude
   fields, and typing in the fields moves the marker. The fields stay the way for keyboard and no-JS users; the
   map is only shown once this script has drawn it. With the keyboard the map moves with the arrow keys and
   zooms with + and -, and a button puts the marker at the map's centre.

   [data-idea-map] on an idea's page: a small map with the idea's place, not interactive (the coordinates and
   a link to OpenStreetMap are beside it).

   Tiles come from OpenStreetMap's tile server; when they cannot load (offline, blocked), the map is grey but
   everything else works. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  // Finland's bounding box (as in ideas/models.py), with room to move around it.
  var FINLAND = [[59.5, 19.0], [70.2, 31.7]];
  var AROUND_FINLAND = [[55.0, 10.0], [72.5, 40.0]];
  var DECIMALS = 5; // about a metre: more would only pretend to be exact

  function tiles(element) {
    var contributors = element.getAttribute("data-attribution") || "OpenStreetMap contributors";
    var link = document.createElement("a");
    link.href = "https://www.openstreetmap.org/copyright";
    link.textContent = contributors;
    // The site sends no Referer to other hosts; OpenStreetMap's tile policy asks for the site's origin.
    return L.tileLayer(TILES, {
      maxZoom: 19,
      attribution: "&copy; " + link.outerHTML,
      referrerPolicy: "strict-origin-when-cross-origin"
    });
  }

  function icon(element) {
    return L.icon({
      iconUrl: element.getAttribute("data-icon"),
      iconRetinaUrl: element.getAttribute("data-icon-2x"),
      shadowUrl: element.getAttribute("data-shadow"),
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      shadowSize: [41, 41]
    });
  }

  function number(input) {
    var text = (input.value || "").trim().replace(",", ".");
    if (text === "") { return null; }
    var value = Number(text);
    return isFinite(value) ? value : null;
  }

  function picker(element) {
    var latitude = document.getElementById(element.getAttribute("data-latitude-input"));
    var longitude = document.getElementById(element.getAttribute("data-longitude-input"));
    var status = element.querySelector("[data-map-status]");
    var container = element.querySelector(".idea-map");
    if (!latitude || !longitude || !container) { return; }
    element.hidden = false; // shown before drawing: Leaflet needs the map's size

    var map = L.map(container, {
      maxBounds: AROUND_FINLAND,
      minZoom: 4,
      zoomControl: false
    });
    L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in"),
      zoomOutTitle: element.getAttribute("data-zoom-out")
    }).addTo(map);
    tiles(element).addTo(map);
    var marker = null;

    function announce(text) { if (status) { status.textContent = text; } }

    function place(latlng, fromFields) {
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: true,
          keyboard: false, // not focusable: a marker cannot be moved with keys; the button and fields can
          icon: icon(element),
          alt: element.getAttribute("data-marker-label") || "",
          title: element.getAttribute("data-marker-label") || ""
        }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      if (!fromFields) {
        latitude.value = latlng.lat.toFixed(DECIMALS);
        longitude.value = latlng.lng.toFixed(DECIMALS);
        [latitude, longitude].forEach(function (input) {
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
        announce((element.getAttribute("data-status-set") || "")
          .replace("%(lat)s", latitude.value).replace("%(lon)s", longitude.value));
      }
    }

    function clear() {
      if (marker) { map.removeLayer(marker); marker = null; }
      latitude.value = "";
      longitude.value = "";
      announce(element.getAttribute("data-status-cleared") || "");
    }

    function fromFields() {
      var lat = number(latitude), lon = number(longitude);
      if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return false; }
      place(L.latLng(lat, lon), true);
      return true;
    }

    if (fromFields()) {
      map.setView(marker.getLatLng(), 13);
    } else {
      map.fitBounds(FINLAND);
    }
    map.on("click", function (event) { place(event.latlng, false); });
    [latitude, longitude].forEach(function (input) {
      input.addEventListener("input", function () {
        if (fromFields()) { map.panTo(marker.getLatLng()); }
      });
    });
    element.querySelector("[data-map-centre]").addEventListener("click", function () {
      place(map.getCenter(), false);
    });
    element.querySelector("[data-map-clear]").addEventListener("click", clear);
  }

  function view(element) {
    var lat = Number(element.getAttribute("data-latitude"));
    var lon = Number(element.getAttribute("data-longitude"));
    if (!isFinite(lat) || !isFinite(lon)) { return; }
    element.hidden = false;
    // Only a picture of the place: no dragging, zooming or focus stops (the page shows the coordinates).
    var map = L.map(element, {
      attributionControl: false,
      zoomControl: false,
      dragging: false,
      keyboard: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      touchZoom: false
    }).setView([lat, lon], 13);
    tiles(element).addTo(map);
    L.marker([lat, lon], { icon: icon(element), keyboard: false, interactive: false, alt: "" }).addTo(map);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map-picker]"), picker);
    Array.prototype.forEach.call(document.querySelectorAll("[data-idea-map]"), view);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
