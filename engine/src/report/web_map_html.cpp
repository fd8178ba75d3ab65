#include "redline/report/web_map_html.hpp"

#include "redline/report/leaflet_assets.hpp"

namespace redline {
namespace {

// JSON placed inside <script>: no "</" can close the element early ("<\\/" is the same JSON
// string).
std::string json_safe(std::string s) {
    for (std::size_t i = 0; (i = s.find("</", i)) != std::string::npos; i += 3)
        s.replace(i, 2, "<\\/");
    return s;
}

// Script or style text: only a closing tag of its own element could end it early; such a
// sequence inside a JavaScript string is written "<\\/" there, which means the same.
std::string tag_safe(std::string s, const std::string& tag) {
    const std::string close = "</" + tag;
    for (std::size_t i = 0; (i = s.find(close, i)) != std::string::npos; i += close.size() + 1)
        s.replace(i, 2, "<\\/");
    return s;
}

// leaflet.min.js without its source-map comment (the map file is not shipped in the report).
std::string leaflet_script() {
    std::string js(leaflet_js());
    const std::size_t map = js.rfind("//# sourceMappingURL=");
    if (map != std::string::npos) js.erase(map);
    return js;
}

const char* kInit = R"JS(
(function () {
  var data = JSON.parse(document.getElementById('webmap-data').textContent);
  var map = L.map('webmap', {preferCanvas: true, zoomSnap: 0.25});
  var layers = {}, overlays = {};
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c];
    });
  }
  // Google's encoded polyline (1e-5 degree, latitude first, differences, zig-zag signed,
  // 5-bit groups offset by 63) to [[lat, lng], ...].
  function decode(s) {
    var pts = [], i = 0, lat = 0, lng = 0;
    while (i < s.length) {
      var v = [0, 0];
      for (var k = 0; k < 2; ++k) {
        var b, r = 0, f = 1;
        do { b = s.charCodeAt(i++) - 63; r += (b & 31) * f; f *= 32; } while (b >= 32);
        v[k] = r % 2 ? -(r + 1) / 2 : r / 2;
      }
      lat += v[0]; lng += v[1];
      pts.push([lat / 1e5, lng / 1e5]);
    }
    return pts;
  }
  function rings(f) { return f.g.map(function (poly) { return poly.map(decode); }); }
  function polygons(key, style, each) {
    return L.featureGroup(data[key].features.map(function (f) {
      var l = L.polygon(rings(f), style);
      if (each) each(f.p || {}, l);
      return l;
    }));
  }
  function outline(key, label, style) {
    if (!data[key]) return;
    layers[key] = polygons(key, style, function (p, l) {
      if (p.name) l.bindTooltip(esc(p.name), {sticky: true});
    }).addTo(map);
    overlays[label] = layers[key];
  }
  var colours = {violation: '#d0208c', below_mmu: '#f39c12', permitted: '#2b6cb0'};
  var statuses = {violation: 'violation', below_mmu: 'below-mmu', permitted: 'permitted'};
  function km2(m2) { return (m2 / 1e6).toFixed(3); }
  // Features left out of a layer (beyond the cap, or below a pixel), as sized circles in its group.
  function addClusters(key, colour, what, where) {
    var cs = (data.clusters || {})[key];
    if (!cs || !layers[key]) return;
    cs.forEach(function (c) {
      var m = L.circleMarker([c[1], c[0]], {radius: 4 + 2 * Math.log(c[2]) / Math.LN2, weight: 1,
                                            color: colour, fillColor: colour, fillOpacity: 0.35});
      m.bindPopup('<b>' + c[2] + ' ' + what + '</b> not drawn one by one' +
                  (c[3] === null ? '' : '<br>' + km2(c[3]) + ' km&sup2; in all') +
                  '<br>(' + (where || 'the full list is in the tables beside the report') + ')');
      layers[key].addLayer(m);
    });
  }
  function shownLabel(label, key, n) {
    var left = (data.capped || {})[key] || 0;
    return label + ' (' + n + (left ? ', ' + left + ' more as clusters' : '') + ')';
  }
  function patches(key, label) {
    if (!data[key]) return;
    layers[key] = L.geoJSON(data[key], {
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, {radius: 5, weight: 1, color: '#222', fillColor: colours[key], fillOpacity: 0.9});
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup('<b>patch ' + esc(p.id) + '</b> (' + esc(statuses[key]) + ')<br>zone ' + esc(p.zone) +
                    '<br>' + esc(p.from) + ' &rarr; ' + esc(p.to) + '<br>' + km2(p.area_m2) + ' km&sup2; (' +
                    esc(p.area_m2.toFixed(0)) + ' m&sup2;)<br>rule ' + esc(p.rule) + '<br>' + esc(data.dates));
      }
    }).addTo(map);
    var n = data[key].features.length;
    addClusters(key, colours[key], 'smaller patches');
    overlays[shownLabel(label, key, n)] = layers[key];
  }
  outline('land', 'land boundary', {color: '#555', weight: 1, fill: false});
  outline('regions', 'regions', {color: '#888', weight: 0.8, dashArray: '3 3', fill: false});
  // The redline: a picture of all of it, and once zoomed in beyond the picture's resolution
  // (a picture pixel over 2 screen pixels) the outlines of the polygons in view on top.
  var detail = L.featureGroup(), shapes = null;
  if (data.redline_image || data.redline) {
    layers.redline = L.featureGroup().addTo(map);
    var img = data.redline_image;
    if (img)
      layers.redline.addLayer(L.imageOverlay('data:image/png;base64,' + img.png, img.bounds,
                                             {interactive: false, className: 'redline-image'}));
    layers.redline.addLayer(detail);
    overlays['ecological redline'] = layers.redline;
  }
  function pictureScale() {
    var b = L.latLngBounds(img.bounds);
    return (map.latLngToLayerPoint(b.getSouthEast()).x - map.latLngToLayerPoint(b.getNorthWest()).x) / img.width;
  }
  function showDetail() {
    if (!layers.redline || !data.redline) return;
    var want = map.hasLayer(layers.redline) && (!img || pictureScale() > 2);
    if (want && !shapes)
      shapes = JSON.parse(document.getElementById('webmap-redline').textContent).features.map(function (f) {
        var ll = rings(f), b = L.latLngBounds([]);
        ll.forEach(function (poly) { b.extend(poly[0]); });
        return {ll: ll, b: b, l: null, on: false};
      });
    if (!shapes) return;
    var view = map.getBounds().pad(0.25);
    shapes.forEach(function (s) {
      var show = want && view.intersects(s.b);
      if (show && !s.on) {
        if (!s.l) s.l = L.polygon(s.ll, {color: '#1b7a3a', weight: 1, fill: false, interactive: false});
        detail.addLayer(s.l);
      } else if (!show && s.on) {
        detail.removeLayer(s.l);
      }
      s.on = show;
    });
  }
  map.on('moveend overlayadd', showDetail);
  if (data.conflicts) {
    layers.conflicts = polygons('conflicts', {color: '#7a1fa2', weight: 1.5, fillColor: '#b05fd0', fillOpacity: 0.6},
      function (p, l) {
        l.bindPopup('<b>conflict</b><br>' + esc(p.layer_a) + ' ' + esc(p.id_a) + ' &times; ' + esc(p.layer_b) +
                    ' ' + esc(p.id_b) + '<br>' + km2(p.area_m2) + ' km&sup2; (' + esc(p.area_m2.toFixed(0)) + ' m&sup2;)');
      }).addTo(map);
    var nc = data.conflicts.features.length;
    addClusters('conflicts', '#7a1fa2', 'smaller conflicts');
    overlays[shownLabel('planning-layer conflicts', 'conflicts', nc)] = layers.conflicts;
  }
  patches('violation', 'violation patches');
  patches('below_mmu', 'patches below the MMU');
  patches('permitted', 'permitted patches');
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function () {
    var d = L.DomUtil.create('div', 'webmap-legend');
    d.innerHTML = '<span style="background:#2e9d4f"></span>redline' +
      '<span style="background:' + colours.violation + '"></span>violation' +
      '<span style="background:' + colours.below_mmu + '"></span>below MMU' +
      '<span style="background:' + colours.permitted + '"></span>permitted' +
      '<span style="background:#b05fd0"></span>conflict';
    return d;
  };
  legend.addTo(map);
  var frame = layers.land || layers.redline || layers.regions;
  if (frame && frame.getBounds().isValid()) map.fitBounds(frame.getBounds());
  else map.setView([35, 105], 4);
  var pos = document.getElementById('webmap-pos');
  map.on('mousemove', function (e) {
    pos.textContent = 'lon ' + e.latlng.lng.toFixed(5) + '°, lat ' + e.latlng.lat.toFixed(5) + '°';
  });
  showDetail();
  window.redlineMap = {map: map, layers: layers, redlineOutlines: detail};
})();
)JS";

}  // namespace

std::string web_map_html(const nlohmann::json& layers) {
    std::string h =
        "<h2>Interactive map</h2>\n<p class=\"note\">Drag to pan, scroll to zoom, click a patch "
        "for its details; switch layers on the right. Outlines are thinned for display (every "
        "figure is computed on the full geometry); coordinates in degrees on CGCS2000. Works "
        "offline: Leaflet and the data are inside this file.</p>\n";
    h += "<style>" + tag_safe(std::string(leaflet_css()), "style") +
         "\n#webmap{height:640px;border:1px solid #999;background:#eef3f7}"
         ".webmap-legend{background:#fff;padding:4px 8px;border:1px solid #999;font-size:12px}"
         ".webmap-legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 8px;"
         "vertical-align:middle;border:1px solid #666}</style>\n";
    h += "<div id=\"webmap\"></div>\n<p id=\"webmap-pos\" class=\"note\">&nbsp;</p>\n";
    // The redline's outlines (the bulk of a national map) in an element of their own, parsed only
    // when the map is first zoomed in far enough to draw them.
    auto dump = [](const nlohmann::json& j) {
        return json_safe(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
    };
    nlohmann::json main = layers;
    if (main.contains("redline")) {
        h += "<script type=\"application/json\" id=\"webmap-redline\">" + dump(main["redline"]) +
             "</script>\n";
        main["redline"] = true;
    }
    h += "<script type=\"application/json\" id=\"webmap-data\">" + dump(main) + "</script>\n";
    h += "<script>" + tag_safe(leaflet_script(), "script") + "</script>\n";
    h += std::string("<script>") + kInit + "</script>\n";
    return h;
}

}  // namespace redline
