/* mobility map script: popups, title, legend, and the time control that moves
   columns and trains along their routes. Part of the mobility project (MIT).
   Every text shown comes from data and is set with textContent, never as
   HTML (Leaflet sets a string tooltip or popup as HTML, so they get nodes). */
(function () {
  "use strict";
  var EARTH_RADIUS_M = 6371008.8;
  var mobility = {maps: [], ready: false};
  window.mobility = mobility;
  // Offline pages link nowhere: Leaflet is credited as text, not with a link to its site.
  L.Control.Attribution.prototype.options.prefix = "Leaflet";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function textNode(text) { return el("span", "", text); }

  function table(rows) {
    var t = el("table", "mobility-table");
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell, i) { tr.appendChild(el(i === 0 ? "th" : "td", "", cell)); });
      t.appendChild(tr);
    });
    return t;
  }

  function popupNode(title, rows) {
    var box = el("div", "mobility-popup");
    box.appendChild(el("h4", "", title));
    if (rows && rows.length) { box.appendChild(table(rows)); }
    return box;
  }

  // Popups fit the window: no wider or taller than the map leaves room for, and
  // panned into view when they open or grow (a table opened inside them).
  function popupOptions(map, width) {
    var size = map.getSize();
    return {maxWidth: Math.max(200, Math.min(width, size.x - 120)),
            maxHeight: Math.max(160, Math.min(420, size.y - 200)),
            autoPanPadding: [16, 16], keepInView: true};
  }

  function refit(popup) {
    if (!popup.isOpen()) { return; }
    popup._updateLayout();
    popup._updatePosition();
    popup._adjustPan();
  }

  function watchPopups(map) {
    if (map._mobilityPopups) { return; }
    map._mobilityPopups = true;
    map.on("popupopen", function (event) {
      var node = event.popup.getElement();
      if (node && !node._mobilityWatched) {
        node._mobilityWatched = true;
        node.addEventListener("toggle", function () { refit(event.popup); }, true);
      }
    });
  }

  function style(styles, feature) {
    var base = styles[feature.k] || {};
    var out = {};
    Object.keys(base).forEach(function (key) { out[key] = base[key]; });
    if (feature.col) { out.color = feature.col; out.fillColor = feature.col; }
    if (feature.w) { out.weight = feature.w; }
    return out;
  }

  mobility.lines = function (map, layers, data) {
    watchPopups(map);
    data.features.forEach(function (f) {
      var line = L.polyline(f.c, style(data.styles, f));
      line.bindPopup(function () { return popupNode(f.t, f.p); }, popupOptions(map, 420));
      line.addTo(layers.group);
    });
  };

  // The corridor network (see mobility/maps/_network_lines.py): one layer per
  // group of lines with the same popup, all on one canvas (a country's network has
  // tens of thousands of lines: too many for one SVG path or one layer each). A
  // line is [edge, steps(, title)]: its identity (a number: how many pieces were
  // joined) and its points as steps of 1e-5 degree from the point before.
  function unpack(steps) {
    var out = [], lat = 0, lon = 0;
    for (var i = 0; i < steps.length; i += 2) {
      lat += steps[i];
      lon += steps[i + 1];
      out.push(L.latLng(lat / 1e5, lon / 1e5));
    }
    return out;
  }

  function networkCanvas(map) {
    if (!map._mobilityCanvas) { map._mobilityCanvas = L.canvas({padding: 0.5}); }
    return map._mobilityCanvas;
  }

  // Index of the line of ``lines`` nearest to ``latlng`` on the screen (0 without one).
  function nearestLine(map, lines, latlng) {
    if (lines.length < 2 || !latlng) { return 0; }
    var p = map.latLngToLayerPoint(latlng), best = 0, bestPx = Infinity;
    lines.forEach(function (line, i) {
      var a = map.latLngToLayerPoint(line[0]);
      for (var j = 1; j < line.length; j++) {
        var b = map.latLngToLayerPoint(line[j]);
        var px = L.LineUtil.pointToSegmentDistance(p, a, b);
        if (px < bestPx) { bestPx = px; best = i; }
        a = b;
      }
    });
    return best;
  }

  mobility.network = function (map, layers, data) {
    watchPopups(map);
    var renderer = networkCanvas(map);
    data.groups.forEach(function (group) {
      var lines = group.lines.map(function (line) { return unpack(line[1]); });
      var options = style(data.styles, group);
      options.renderer = renderer;
      var path = L.polyline(lines, options);
      var clicked = null;
      path.on("click", function (event) { clicked = event.latlng; });
      path.bindPopup(function () {
        var line = group.lines[nearestLine(map, lines, clicked)];
        var edge = typeof line[0] === "number" ?
          ["Edges", line[0] + " joined: one road with these tags"] : ["Edge", line[0]];
        return popupNode(line[2] || group.t, group.p.concat([edge]));
      }, popupOptions(map, 420));
      path.addTo(layers.group);
    });
  };

  // Points (data.canvas: on the network's canvas, for the thousands of bridges of a
  // country); a tooltip's text node is made when it first shows.
  mobility.points = function (map, layers, data) {
    watchPopups(map);
    data.features.forEach(function (f) {
      var s = style(data.styles, f);
      if (data.canvas) { s.renderer = networkCanvas(map); }
      var marker = L.circleMarker(f.ll, s);
      marker.bindPopup(function () { return popupNode(f.t, f.p); }, popupOptions(map, 420));
      if (f.t) { marker.bindTooltip(function () { return textNode(f.t); }); }
      marker.addTo(layers.group);
    });
  };

  // --- the offline background: land and water areas, borders, rivers, place names.
  // Areas are drawn on a canvas in their own pane under every overlay; names in a
  // pane above the lines that never takes a click. A town's name shows from zoom 9.
  function pane(map, name, zIndex, clicks) {
    var node = map.getPane(name) || map.createPane(name);
    node.style.zIndex = String(zIndex);
    if (!clicks) { node.style.pointerEvents = "none"; }
    return name;
  }

  mobility.basemap = function (map, layers, data) {
    var under = pane(map, "mobility-basemap", 150, false);
    var renderer = L.canvas({pane: under, padding: 0.5});
    var base = {renderer: renderer, pane: under, interactive: false};
    var shape = function (extra) {
      var out = {};
      [base, extra].forEach(function (o) { Object.keys(o).forEach(function (k) { out[k] = o[k]; }); });
      return out;
    };
    var f = data.style;
    var sea = [data.frame[0], [data.frame[0][0], data.frame[1][1]], data.frame[1],
               [data.frame[1][0], data.frame[0][1]]];
    L.polygon(sea, shape({stroke: false, fillColor: f.water, fillOpacity: 1})).addTo(layers.group);
    data.areas.forEach(function (area) {
      L.polygon(area[1], shape({
        stroke: false, fillColor: area[0] ? f.water : f.land, fillOpacity: 1
      })).addTo(layers.group);
    });
    data.rivers.forEach(function (line) {
      L.polyline(line, shape({color: f.river, weight: 1.2, opacity: 0.9})).addTo(layers.group);
    });
    data.borders.forEach(function (line) {
      L.polyline(line, shape({color: f.border, weight: 1.6, opacity: 0.9, dashArray: "6 3"}))
        .addTo(layers.group);
    });
    if (map.attributionControl) { map.attributionControl.addAttribution(data.attribution); }
    var names = pane(map, "mobility-placenames", 380, false);
    data.places.forEach(function (p) {
      var city = p[3] >= data.city_population;
      L.marker([p[0], p[1]], {
        pane: names, interactive: false, keyboard: false,
        icon: L.divIcon({className: "mobility-place " + (city ? "mobility-city" : "mobility-town"),
                         html: el("span", "", p[2]), iconSize: null})
      }).addTo(layers.labels || layers.group);
    });
    map._mobilityTownZoom = data.town_zoom;
    watchLabels(map);
  };

  // A user's province or municipality outlines: thin lines on the background's
  // canvas, their names among the place names (after them: hidden where they cover).
  mobility.outlines = function (map, layers, data) {
    var under = pane(map, "mobility-basemap", 150, false);
    var renderer = L.canvas({pane: under, padding: 0.5});
    data.lines.forEach(function (line) {
      L.polyline(line, {renderer: renderer, pane: under, interactive: false, color: data.style.color,
                        weight: data.style.weight, opacity: data.style.opacity}).addTo(layers.group);
    });
    if (map.attributionControl) { map.attributionControl.addAttribution(data.attribution); }
    var names = pane(map, "mobility-placenames", 380, false);
    data.labels.forEach(function (p) {
      L.marker([p[0], p[1]], {
        pane: names, interactive: false, keyboard: false,
        icon: L.divIcon({className: "mobility-area-name", html: el("span", "", p[2]), iconSize: null})
      }).addTo(layers.group);
    });
    watchLabels(map);
  };

  // Place the names again whenever the view or the layers shown change.
  function watchLabels(map) {
    if (map._mobilityLabels) { return; }
    map._mobilityLabels = true;
    var container = map.getContainer();
    var update = function () {
      if (map._mobilityTownZoom !== undefined) {
        container.classList.toggle("mobility-zoom-towns", map.getZoom() >= map._mobilityTownZoom);
      }
      declutter(container);
    };
    map.on("zoomend moveend overlayadd overlayremove", update);
    requestAnimationFrame(update);
  }

  // Labels never cover one another, a badge or the title, legend and time control.
  // Every badge shows (moved apart when close, see spreadBadges); each name of a
  // port, border crossing, rail terminal and support centre (in that order) takes
  // the first free place around its badge: right, left, above, below, the four
  // corners, then stacked further above or below on the right or left. A name with
  // no free place is hidden at this zoom (its badge stays, with the name on hover).
  // Place names go last, largest place first, then the names of a user's outlines
  // (areas), each hidden where it would cover a name or badge placed before it.
  var NAME_ORDER = ["spod", "bcp", "rail_terminal", "csc"];
  var BADGE_GAP_PX = 3;
  var STACK_ROWS = 3;
  var LABEL_MARGIN_PX = 1;

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // Offsets [left, top] of a w x h name from the top-left corner of a bw x bh badge.
  function labelAnchors(bw, bh, w, h) {
    var g = BADGE_GAP_PX, mid = (bh - h) / 2, centre = (bw - w) / 2;
    var right = bw + g, left = -g - w, above = -h - 1, below = bh + 1;
    var out = [[right, mid], [left, mid], [centre, above], [centre, below],
               [bw / 2 + g, above], [bw / 2 + g, below], [bw / 2 - g - w, above],
               [bw / 2 - g - w, below]];
    for (var row = 1; row <= STACK_ROWS; row++) {
      var step = row * (h + 2);
      out.push([right, mid - step], [right, mid + step], [left, mid - step], [left, mid + step]);
    }
    return out;
  }

  function placeLabel(label, taken) {
    var badge = label.parentNode.getBoundingClientRect();  // the badge fills its box
    var size = label.getBoundingClientRect();
    var w = size.width, h = size.height;
    var anchors = labelAnchors(badge.width, badge.height, w, h);
    for (var i = 0; i < anchors.length; i++) {
      var box = {left: badge.left + anchors[i][0], top: badge.top + anchors[i][1]};
      box.right = box.left + w;
      box.bottom = box.top + h;
      var room = {left: box.left - LABEL_MARGIN_PX, top: box.top - LABEL_MARGIN_PX,
                  right: box.right + LABEL_MARGIN_PX, bottom: box.bottom + LABEL_MARGIN_PX};
      if (!taken.some(function (t) { return overlaps(t, room); })) {
        label.style.left = anchors[i][0] + "px";
        label.style.top = anchors[i][1] + "px";
        label.classList.remove("mobility-place-hidden");
        return box;
      }
    }
    label.classList.add("mobility-place-hidden");
    return null;
  }

  // Badges that would cover one another move apart, ports first, then crossings,
  // terminals and centres: each to the first free place of BADGE_STEPS (in badge
  // widths and heights), tied to its true place by a thin line and a dot.
  var BADGE_W = 30, BADGE_H = 16, BADGE_SPACE_PX = 2;
  var BADGE_STEPS = [[0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1],
                     [0, 2], [0, -2], [2, 0], [-2, 0]];

  function shiftBadge(box, dx, dy) {
    var leader = box.querySelector(".mobility-badge-leader");
    box.style.transform = dx || dy ? "translate(" + (dx - BADGE_W / 2) + "px, " +
      (dy - BADGE_H / 2) + "px)" : "";
    if (!dx && !dy) {
      if (leader) { box.removeChild(leader); }
      return;
    }
    if (!leader) {
      leader = el("span", "mobility-badge-leader");
      box.insertBefore(leader, box.firstChild);
    }
    leader.style.left = (BADGE_W / 2 - dx) + "px";
    leader.style.top = (BADGE_H / 2 - dy) + "px";
    leader.style.width = Math.sqrt(dx * dx + dy * dy) + "px";
    leader.style.transform = "rotate(" + Math.atan2(dy, dx) + "rad)";
  }

  function spreadBadges(container) {
    var placed = [];
    NAME_ORDER.forEach(function (kind) {
      container.querySelectorAll(".mobility-labelled-" + kind + " .mobility-badge-box")
        .forEach(function (box) {
          shiftBadge(box, 0, 0);
          var at = box.getBoundingClientRect();
          var free = function (dx, dy) {
            var r = {left: at.left + dx - BADGE_SPACE_PX, top: at.top + dy - BADGE_SPACE_PX,
                     right: at.right + dx + BADGE_SPACE_PX, bottom: at.bottom + dy + BADGE_SPACE_PX};
            return !placed.some(function (t) { return overlaps(t, r); });
          };
          var shift = [0, 0];
          if (!free(0, 0)) {
            for (var i = 0; i < BADGE_STEPS.length; i++) {
              var dx = BADGE_STEPS[i][0] * (at.width + BADGE_SPACE_PX * 2);
              var dy = BADGE_STEPS[i][1] * (at.height + BADGE_SPACE_PX * 2);
              if (free(dx, dy)) { shift = [dx, dy]; break; }
            }
            shiftBadge(box, shift[0], shift[1]);
          }
          placed.push({left: at.left + shift[0], top: at.top + shift[1],
                       right: at.right + shift[0], bottom: at.bottom + shift[1]});
        });
    });
    return placed;
  }

  function declutter(container) {
    var rect = function (n) { return n.getBoundingClientRect(); };
    var taken = spreadBadges(container);
    // Names also keep clear of the title, legend and time control boxes.
    Array.prototype.forEach.call(
      container.querySelectorAll(".mobility-title, .mobility-legend, .mobility-time"),
      function (n) { if (n.offsetWidth > 0) { taken.push(rect(n)); } });
    NAME_ORDER.forEach(function (kind) {
      container.querySelectorAll(".mobility-labelled-" + kind + " .mobility-badge-label")
        .forEach(function (label) {
          var box = placeLabel(label, taken);
          if (box) { taken.push(box); }
        });
    });
    [".mobility-place", ".mobility-area-name"].forEach(function (selector) {
      container.querySelectorAll(selector).forEach(function (node) {
        node.classList.remove("mobility-place-hidden");
        var label = node.firstChild;
        var box = label.getBoundingClientRect();
        if (box.width === 0) { return; }
        if (taken.some(function (t) { return overlaps(t, box); })) {
          node.classList.add("mobility-place-hidden");
        } else {
          taken.push(box);
        }
      });
    });
  }

  function badgeNode(badge, name) {
    var box = el("span", "mobility-badge-box");
    var mark = el("span", "mobility-badge", badge.badge);
    mark.style.background = badge.colour;
    box.appendChild(mark);
    if (name) { box.appendChild(el("span", "mobility-badge-label", name)); }
    return box;
  }

  // Ports, crossings, terminals and support centres: a badge and the name, at every
  // zoom, as markers above the lines; a larger z (ports) lies above the others.
  mobility.places = function (map, layers, data) {
    watchPopups(map);
    watchLabels(map);
    data.features.forEach(function (f) {
      var marker = L.marker(f.ll, {
        icon: L.divIcon({className: "mobility-labelled mobility-labelled-" + f.k,
                         html: badgeNode(data.badge, f.t), iconSize: null}),
        zIndexOffset: data.badge.z, keyboard: false, title: f.t
      });
      marker.bindPopup(function () { return popupNode(f.t, f.p); }, popupOptions(map, 420));
      marker.addTo(layers.group);
    });
  };

  mobility.title = function (map, layers, data) {
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
      var box = el("div", "mobility-title leaflet-bar");
      box.appendChild(el("h3", "", data.title));
      data.lines.forEach(function (line) { box.appendChild(el("div", "", line)); });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  };

  function legendBox(map) {
    if (!map._mobilityLegend) {
      var control = L.control({position: "topright"});
      control.onAdd = function () {
        var box = el("div", "mobility-legend leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      control.addTo(map);
      map._mobilityLegend = control.getContainer();
      requestAnimationFrame(function () { arrange(map); });
      map.on("resize", function () { fitLegend(map); });
    }
    return map._mobilityLegend;
  }

  // The legend goes below the layer control in the same corner (so the two can
  // never overlap) and gets the height left above the attribution.
  function fitLegend(map) {
    var legend = map._mobilityLegend;
    if (!legend) { return; }
    var room = map.getContainer().getBoundingClientRect();
    var top = legend.getBoundingClientRect().top - room.top;
    legend.style.maxHeight = Math.max(48, room.height - top - 34) + "px";
  }

  function arrange(map) {
    var legend = map._mobilityLegend;
    var corner = legend.parentNode;
    var layers = corner.querySelector(".leaflet-control-layers");
    corner.appendChild(legend);
    if (layers && !layers._mobilityWatched) {
      layers._mobilityWatched = true;
      ["mouseenter", "mouseleave", "mouseover", "mouseout", "click", "focusin"].forEach(function (name) {
        layers.addEventListener(name, function () { setTimeout(function () { fitLegend(map); }, 0); });
      });
    }
    fitLegend(map);
  }

  function swatch(item) {
    var mark = el("span", "mobility-swatch mobility-swatch-" + (item.kind || "line"));
    if (item.kind === "ramp") {
      mark.style.background = "linear-gradient(to right, " + item.colours.join(", ") + ")";
    } else if (item.kind === "point") {
      mark.style.background = item.colour;
    } else if (item.kind === "badge") {
      mark.appendChild(badgeNode({badge: item.badge, colour: item.colour}, null));
    } else if (item.kind === "train" || item.kind === "train-loading") {
      mark.className = "mobility-train" + (item.kind === "train" ? "" : " mobility-train-loading");
      mark.appendChild(trainMark(null));
    } else {
      mark.style.borderTopColor = item.colour;
      if (item.dash) { mark.style.borderTopStyle = "dashed"; }
    }
    return mark;
  }

  mobility.legend = function (map, layers, data) {
    var box = legendBox(map);
    var section = el("details", "mobility-legend-section");
    section.open = data.open !== false;
    section.addEventListener("toggle", function () {
      fitLegend(map);
      declutter(map.getContainer());  // names give way to the legend's new size
    });
    section.appendChild(el("summary", "", data.section));
    data.items.forEach(function (item) {
      var row = el("div", "mobility-legend-row");
      row.appendChild(swatch(item));
      row.appendChild(el("span", "", item.label));
      section.appendChild(row);
    });
    box.appendChild(section);
  };

  // --- measuring along [lat, lon] polylines (mirrors mobility/maps/_geometry.py)
  function haversine(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function cumulative(coords) {
    var total = [0];
    for (var i = 1; i < coords.length; i++) {
      total.push(total[i - 1] + haversine(coords[i - 1], coords[i]));
    }
    return total;
  }

  function pointAt(coords, cum, m) {
    if (coords.length === 1 || m <= 0) { return coords[0]; }
    var last = cum.length - 1;
    if (m >= cum[last]) { return coords[last]; }
    var lo = 0, hi = last;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (cum[mid] <= m) { lo = mid; } else { hi = mid; }
    }
    var span = cum[hi] - cum[lo];
    var f = span <= 0 ? 0 : (m - cum[lo]) / span;
    return [coords[lo][0] + (coords[hi][0] - coords[lo][0]) * f,
            coords[lo][1] + (coords[hi][1] - coords[lo][1]) * f];
  }

  function sliceLine(coords, cum, fromM, toM) {
    var out = [pointAt(coords, cum, fromM)];
    for (var i = 0; i < coords.length; i++) {
      if (cum[i] > fromM && cum[i] < toM) { out.push(coords[i]); }
    }
    out.push(pointAt(coords, cum, toM));
    return out;
  }

  // --- column knots [t_s, km] (mirrors mobility/maps/_timeline.py km_at)
  function kmAt(knots, t) {
    if (t <= knots[0][0]) { return knots[0][1]; }
    var last = knots.length - 1;
    if (t >= knots[last][0]) { return knots[last][1]; }
    var lo = 0, hi = last;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (knots[mid][0] <= t) { lo = mid; } else { hi = mid; }
    }
    var span = knots[hi][0] - knots[lo][0];
    if (span <= 0) { return knots[hi][1]; }
    return knots[lo][1] + (knots[hi][1] - knots[lo][1]) * (t - knots[lo][0]) / span;
  }

  function ramp(colours, share) {
    var x = Math.max(0, Math.min(1, share)) * (colours.length - 1);
    return colours[Math.min(colours.length - 1, Math.round(x))];
  }

  function formatTime(data, t) {
    var moment = new Date(data.start_ms + t * 1000);
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: data.time_zone, weekday: "short", day: "2-digit", month: "short",
        hour: "2-digit", minute: "2-digit", hour12: false
      }).format(moment) + " " + data.time_zone_label;
    } catch (e) {
      return moment.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
  }

  function detailsTable(summary, rows) {
    var details = el("details");
    details.appendChild(el("summary", "", summary));
    details.appendChild(table(rows));
    return details;
  }

  function checkpointRows(data, m) {
    var rows = [["Checkpoint", "km", "arrive", "clear"]];
    m.cp.forEach(function (c) {
      rows.push([data.names[c[0]], c[1].toFixed(1), formatTime(data, c[2]), formatTime(data, c[3])]);
    });
    m.halts.forEach(function (h) {
      rows.push([data.names[h[0]] + " (halt: " + h[4] + ")", h[1].toFixed(1),
                 formatTime(data, h[2]), formatTime(data, h[3])]);
    });
    return rows;
  }

  function amount(value, unit) {
    return value === null || value === undefined ? "-" : String(Math.round(value * 10) / 10) + unit;
  }

  function trainPopup(data, m) {
    var tr = m.train;
    var box = popupNode(m.n + " " + m.unit + " (train)", [
      ["Request", m.req], ["March unit", m.mu], ["Mode", m.mode], ["Terminal", tr.term],
      ["Loading", formatTime(data, tr.load[0]) + " to " + formatTime(data, tr.load[1])],
      ["Departure", formatTime(data, tr.dep)], ["Band", tr.band],
      ["Traction", tr.traction + (tr.loco ? " (" + tr.loco + ")" : "")],
      ["Wagons", String(tr.wagons)],
      ["Length", amount(tr.len_m, " m") + " of max " + amount(tr.max_len_m, " m")],
      ["Gross weight", amount(tr.gross_t, " t") + " of max " + amount(tr.max_gross_t, " t")],
      ["Vehicles", m.veh + " (" + m.count + ")"],
      ["Border crossing", tr.border], ["Counterpart", tr.cpart],
      ["At the border", formatTime(data, tr.arr)], ["Clear", formatTime(data, m.clear)],
      ["Due", formatTime(data, m.due)], ["Late", m.late + " min"]
    ]);
    box.appendChild(detailsTable("Line sections", [["Line", "from", "to", "km", "enter", "leave"]]
      .concat(tr.path.map(function (s) {
        return [s[0], s[1], s[2], s[3].toFixed(1), formatTime(data, s[4]), formatTime(data, s[5])];
      }))));
    box.appendChild(detailsTable("Times at stations", [["Station", "km", "arrive", "clear"]]
      .concat(tr.cp.map(function (c) {
        return [data.names[c[0]], c[1].toFixed(1), formatTime(data, c[2]), formatTime(data, c[3])];
      }))));
    if (m.cp.length) {
      box.appendChild(detailsTable("Road leg to the terminal", checkpointRows(data, m)));
    }
    return box;
  }

  function movementPopup(data, m) {
    if (m.train) { return trainPopup(data, m); }
    var box = popupNode(m.n + " " + m.unit, [
      ["Request", m.req], ["March unit", m.mu], ["Mode", m.mode],
      ["Route", m.desig], ["Vehicles", m.veh + " (" + m.count + ")"],
      ["Start", formatTime(data, m.start)], ["Clear", formatTime(data, m.clear)],
      ["Due", formatTime(data, m.due)], ["Late", m.late + " min"]
    ]);
    box.appendChild(detailsTable("Times at checkpoints", checkpointRows(data, m)));
    return box;
  }

  function trainMark(colour) {
    var mark = el("span", "mobility-train-mark", "T");
    if (colour) { mark.style.borderColor = colour; }
    return mark;
  }

  function trainIcon(m, loading) {
    return L.divIcon({
      className: "mobility-train" + (loading ? " mobility-train-loading" : ""),
      html: trainMark(m.col), iconSize: [18, 18], iconAnchor: [9, 9]
    });
  }

  function scaleOf(route) {
    return route.km > 0 ? route.cum[route.cum.length - 1] / route.km : 0;
  }

  function groupPopup(data, g) {
    var box = popupNode(g.label, [["Route", g.desig], ["Movements", String(g.movements.length)]]);
    g.movements.forEach(function (index) {
      var m = data.movements[index];
      var details = el("details", "mobility-movement");
      details.appendChild(el("summary", "", m.n + " " + m.mu + " - " + m.veh_short + ", " +
        formatTime(data, m.start) + " to " + formatTime(data, m.clear)));
      details.addEventListener("toggle", function () {
        if (details.open && details.childNodes.length === 1) {
          details.appendChild(movementPopup(data, m));
        }
      });
      box.appendChild(details);
    });
    return box;
  }

  mobility.plan = function (map, layers, data) {
    watchPopups(map);
    var routes = data.routes.map(function (r) { return {c: r.c, cum: cumulative(r.c), km: r.km}; });
    data.groups.forEach(function (g) {
      var route = routes[g.route];
      var pieces = [[route.c, g.col, null]];
      if (g.mode === "rail") {  // the road leg to the terminal, then the rail path dashed
        var end = route.cum[route.cum.length - 1];
        var split = Math.min(end, (g.road_km || 0) * scaleOf(route));
        pieces = [[sliceLine(route.c, route.cum, split, end), data.train_colour, "8 6"]];
        if (split > 0) { pieces.push([sliceLine(route.c, route.cum, 0, split), g.col, null]); }
      }
      pieces.forEach(function (piece) {
        var line = L.polyline(piece[0], {
          color: piece[1], weight: 4, opacity: 0.75, dashArray: piece[2], className: "mobility-route"
        });
        line.bindPopup(function () { return groupPopup(data, g); }, popupOptions(map, 520));
        line.addTo(layers.routes);
      });
    });
    var segments = data.segments.map(function (s) {
      var line = L.polyline(s.c, {color: "#999999", weight: 9, opacity: 0, className: "mobility-load"});
      line.bindTooltip(textNode(s.name), {sticky: true});
      line.addTo(layers.load);
      return {line: line, s: s, cols: new Map(s.cols), delay: new Map(s.delay)};
    });
    var columns = new Map();
    var trains = new Map();
    var hasTrains = data.movements.some(function (m) { return Boolean(m.train); });
    var state = {time_s: data.initial_s, measure: "columns"};

    function drawLoad() {
      var hour = Math.floor(state.time_s / 3600);
      var byColumns = state.measure === "columns";
      var max = byColumns ? data.max_cols : data.max_delay;
      var colours = byColumns ? data.ramp_cols : data.ramp_delay;
      segments.forEach(function (seg) {
        var value = (byColumns ? seg.cols : seg.delay).get(hour) || 0;
        if (value <= 0) {
          seg.line.setStyle({opacity: 0});
        } else {
          seg.line.setStyle({opacity: 0.55, color: ramp(colours, max > 0 ? value / max : 0)});
        }
        seg.line.unbindTooltip();
        seg.line.bindTooltip(textNode(seg.s.name + ": " + (byColumns ?
          value + " columns in this hour" : value.toFixed(1) + " veh-h civilian delay (est.)")),
          {sticky: true});
      });
    }

    function drawColumns() {
      var t = state.time_s;
      var shown = 0;
      data.movements.forEach(function (m, index) {
        var on = m.head.length > 0 && t >= m.head[0][0] && t <= m.tail[m.tail.length - 1][0];
        var line = columns.get(index);
        if (!on) {
          if (line) { layers.columns.removeLayer(line); columns.delete(index); }
          return;
        }
        var head = kmAt(m.head, t), tail = Math.min(kmAt(m.tail, t), head);
        var route = routes[m.route];
        var scale = scaleOf(route);
        var latlngs = sliceLine(route.c, route.cum, tail * scale, head * scale);
        if (line) {
          line.setLatLngs(latlngs);
        } else {
          line = L.polyline(latlngs, {color: m.col, weight: 8, opacity: 0.95, lineCap: "round",
                                      className: "mobility-column"});
          line.bindPopup(function () { return movementPopup(data, m); }, popupOptions(map, 520));
          line.bindTooltip(textNode(m.n + " " + m.unit));
          line.addTo(layers.columns);
          columns.set(index, line);
        }
        shown += 1;
      });
      return shown;
    }

    // A train stands at its terminal while loading, then runs along its rail path.
    function drawTrains() {
      var t = state.time_s;
      var shown = 0;
      data.movements.forEach(function (m, index) {
        var tr = m.train;
        if (!tr) { return; }
        var marker = trains.get(index);
        if (t < tr.head[0][0] || t > tr.tail[tr.tail.length - 1][0]) {
          if (marker) { layers.columns.removeLayer(marker); trains.delete(index); }
          return;
        }
        var route = routes[m.route];
        var at = pointAt(route.c, route.cum, kmAt(tr.head, t) * scaleOf(route));
        var loading = t < tr.dep;
        if (marker) {
          marker.setLatLng(at);
        } else {
          marker = L.marker(at, {icon: trainIcon(m, loading), keyboard: false, riseOnHover: true});
          marker.bindPopup(function () { return trainPopup(data, m); }, popupOptions(map, 520));
          marker.bindTooltip(textNode(m.n + " " + m.unit + " (train)"));
          marker.mobilityLoading = loading;
          marker.addTo(layers.columns);
          trains.set(index, marker);
        }
        if (marker.mobilityLoading !== loading) {  // departed, or stepped back into loading
          marker.setIcon(trainIcon(m, loading));
          marker.mobilityLoading = loading;
        }
        shown += 1;
      });
      return shown;
    }

    var control = L.control({position: "bottomleft"});
    var ui = {};
    control.onAdd = function () {
      var box = el("div", "mobility-time leaflet-bar");
      var row = el("div", "mobility-time-row");
      var step = Math.round(data.step_s / 60) + " min";
      ui.back = el("button", "mobility-time-back", "\u2212" + step);
      ui.back.title = "step back " + step;
      ui.play = el("button", "mobility-time-play", "play");
      ui.play.title = "play / pause";
      ui.next = el("button", "mobility-time-next", "+" + step);
      ui.next.title = "step forward " + step;
      ui.label = el("span", "mobility-time-label");
      [ui.back, ui.play, ui.next, ui.label].forEach(function (n) { row.appendChild(n); });
      ui.slider = el("input", "mobility-time-slider");
      ui.slider.type = "range";
      ui.slider.min = "0";
      ui.slider.max = String(data.horizon_s);
      ui.slider.step = String(data.step_s);
      ui.count = el("div", "mobility-time-count");
      var measure = el("select", "mobility-time-measure");
      [["columns", "segment load: columns per hour"],
       ["delay", "segment load: civilian delay (veh-h, est.)"]].forEach(function (o) {
        var option = el("option", "", o[1]);
        option.value = o[0];
        measure.appendChild(option);
      });
      box.appendChild(row);
      box.appendChild(ui.slider);
      box.appendChild(ui.count);
      box.appendChild(measure);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      ui.slider.addEventListener("input", function () { setTime(Number(ui.slider.value)); });
      ui.back.addEventListener("click", function () { setTime(state.time_s - data.step_s); });
      ui.next.addEventListener("click", function () { setTime(state.time_s + data.step_s); });
      measure.addEventListener("change", function () { state.measure = measure.value; drawLoad(); });
      var timer = null;
      ui.play.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; ui.play.textContent = "play"; return; }
        ui.play.textContent = "pause";
        timer = setInterval(function () {
          if (state.time_s + data.step_s > data.horizon_s) {
            clearInterval(timer); timer = null; ui.play.textContent = "play"; return;
          }
          setTime(state.time_s + data.step_s);
        }, 400);
      });
      ui.box = box;
      return box;
    };

    function setTime(t) {
      state.time_s = Math.max(0, Math.min(data.horizon_s, t));
      ui.slider.value = String(state.time_s);
      ui.label.textContent = formatTime(data, state.time_s);
      ui.box.setAttribute("data-time-s", String(state.time_s));
      var shown = drawColumns();
      ui.count.textContent = shown + " columns on the road" +
        (hasTrains ? ", " + drawTrains() + " trains loading or under way" : "");
      drawLoad();
      return shown;
    }

    control.addTo(map);
    setTime(data.initial_s);
    mobility.maps.push({map: map, setTime: setTime, state: state});
    requestAnimationFrame(function () {
      if (map._mobilityLegend) { arrange(map); }
      mobility.ready = true;
      mobility.renderedMs = performance.now();
    });
  };

  mobility.done = function (map) {
    if (!mobility.maps.length) {
      mobility.maps.push({map: map});
      requestAnimationFrame(function () {
        if (map._mobilityLegend) { arrange(map); }
        mobility.ready = true;
        mobility.renderedMs = performance.now();
      });
    }
  };
})();
