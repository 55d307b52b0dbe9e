/* Chengyu Atlas map behaviour: fetch layers from the API into the Folium-made feature groups,
 * style them, bind popups, build the legend and the county read-out.
 * All text from the data is inserted with textContent (never innerHTML), so nothing in a
 * feature's properties can run as script. */
(function () {
  "use strict";

  // Okabe–Ito palette (colour-blind safe), then Tol's muted for more zones.
  var PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442",
    "#882255", "#44AA99", "#117733", "#999933", "#AA4499", "#332288", "#DDCC77"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { node.textContent = attrs[k]; }
        else if (k === "class") { node.className = attrs[k]; }
        else if (k === "style") { node.style.cssText = attrs[k]; }  // CSSOM: allowed by the CSP, unlike style attributes
        else { node.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function fmt(n, digits) {
    if (n === null || n === undefined) { return "—"; }
    return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function row(label, value) {
    return el("tr", null, [el("th", { text: label }), el("td", null, [value])]);
  }

  function citations(sources) {
    var list = el("ol", { class: "atlas-citations" });
    (sources || []).forEach(function (s) {
      var doc = (s.doc_title_zh || s.doc || "") + (s.doc_date ? " (" + s.doc_date + ")" : "");
      list.appendChild(el("li", null, [
        el("q", { text: s.quote }),
        el("span", { class: "atlas-cite-doc", text: " — " + doc + ", " + s.seed })
      ]));
    });
    return list;
  }

  function zonePopup(p) {
    var members = el("ul", { class: "atlas-members" });
    (p.members || []).forEach(function (m) {
      members.appendChild(el("li", { text: m.name_zh + (m.part ? "（部分 part）" : "") }));
    });
    var area = fmt(p.area_km2) + " km² measured";
    if (p.area_km2_documented !== null && p.area_km2_documented !== undefined) {
      area += " · " + fmt(p.area_km2_documented) + " km² documented";
      if (p.area_difference_pct !== null) { area += " (" + (p.area_difference_pct > 0 ? "+" : "") + fmt(p.area_difference_pct, 2) + "%)"; }
    }
    var figures = [];
    if (p.population_wan_documented !== null && p.population_wan_documented !== undefined) { figures.push(fmt(p.population_wan_documented, 2) + " 万人 population"); }
    if (p.gdp_yi_yuan_documented !== null && p.gdp_yi_yuan_documented !== undefined) { figures.push(fmt(p.gdp_yi_yuan_documented, 1) + " 亿元 GDP"); }
    var table = el("table", { class: "atlas-props" }, [
      row("成员 Members", members),
      row("面积 Area", document.createTextNode(area)),
      figures.length ? row("数据 Figures" + (p.figures_year ? " (" + p.figures_year + ")" : ""), document.createTextNode(figures.join(" · "))) : null,
      row("规划 Plan", document.createTextNode((p.plan_title_zh || "") + (p.plan_date ? " (" + p.plan_date + ")" : ""))),
      p.notes ? row("说明 Notes", document.createTextNode(p.notes)) : null
    ]);
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      p.geometry_quality === "approximate" ? el("p", { class: "atlas-warn", text: "部分成员仅部分纳入：图上画出整个区县。Some members belong only in part; whole units are drawn." }) : null,
      table,
      el("h4", { text: "出处 Sources" }),
      citations(p.sources),
      zoneProjects(p.id),
      // A relative path built from the id, never a URL taken from the data.
      el("p", null, [el("a", { href: "/zones/" + encodeURIComponent(p.id), class: "atlas-more", text: "详情页 Zone page →" })])
    ]);
  }

  function zoneProjects(zoneId) {
    var box = el("div", { class: "atlas-zone-projects" });
    var projects = AtlasMap.projects || {};
    var any = false;
    Object.keys(MODES).forEach(function (mode) {
      var hits = (projects[mode] || []).filter(function (f) { return (f.properties.zones || []).indexOf(zoneId) >= 0; });
      if (!hits.length) { return; }
      any = true;
      var names = hits.slice(0, 10).map(function (f) { return f.properties.name_zh + "（" + (STATUS_LABEL[f.properties.status] || f.properties.status).split(" ")[0] + "）"; });
      box.appendChild(el("p", null, [el("strong", { text: MODES[mode].label + " " + hits.length + ": " }), names.join("、") + (hits.length > 10 ? " …" : "")]));
    });
    if (!any) { return null; }
    box.insertBefore(el("h4", { text: "涉及项目 Projects touching this zone" }), box.firstChild);
    return box;
  }

  // Filled by init() from the page config, which the server derives from the layer specs:
  // MODES = the project layers (colour, label, point or line), STATUS_LABEL = the status vocabulary.
  var MODES = {};
  var STATUS_LABEL = {};
  var EARLY = {};
  var ELEMENT_STYLE = {
    axis: { color: "#B2182B", dashArray: null }, corridor: { color: "#D6604D", dashArray: "8 4" },
    belt: { color: "#2166AC", dashArray: "2 4" }, ring: { color: "#4393C3", dashArray: "6 3" },
    cluster: { color: "#1B7837", dashArray: null }, core: { color: "#762A83", dashArray: null }, node: { color: "#E08214", dashArray: null }
  };
  function isEarly(status) { return !!EARLY[status]; }

  function zoneName(id) {
    var z = (AtlasMap.zones || []).filter(function (f) { return f.id === id; })[0];
    return z ? z.properties.name_zh : id;
  }

  function projectPopup(p, mode) {
    var places = (p.places || []).map(function (x) { return x.name_zh; }).join(" → ");
    var length = null;
    if (p.length_km !== null && p.length_km !== undefined) {
      length = fmt(p.length_km, 1) + " km schematic";
      if (p.length_km_documented) { length += " · " + fmt(p.length_km_documented, 2) + " km documented"; }
    } else if (p.length_km_documented) { length = fmt(p.length_km_documented, 2) + " km documented"; }
    var period = (p.period_start || p.period_end) ? (p.period_start || "…") + "–" + (p.period_end || "…") : null;
    var mentions = el("ol", { class: "atlas-citations" });
    (p.mentions || []).forEach(function (m) {
      mentions.appendChild(el("li", null, [
        el("strong", { text: (m.status_zh || "—") + " " }),
        el("q", { text: m.quote }),
        el("span", { class: "atlas-cite-doc", text: " — " + (m.doc_title_zh || m.doc) + (m.doc_date ? " (" + m.doc_date + ")" : "") + ", " + m.seed })
      ]));
    });
    var quality = p.geometry_quality === "schematic" ? "示意线：按文件所列地点连直线 Schematic: straight between the named places" :
      p.geometry_quality === "approximate" ? "位置近似：所在区县的天地图点 Approximate: the Tianditu point of its county" : null;
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en + " · " + ((MODES[mode] || AtlasMap.layerInfo[mode] || {}).label || mode) + " · " + p.kind + (p.upgrade ? " (upgrade)" : "") }),
      quality ? el("p", { class: "atlas-warn", text: quality }) : null,
      el("table", { class: "atlas-props" }, [
        row("状态 Status", document.createTextNode((STATUS_LABEL[p.status] || p.status) + (p.status_as_of ? " as of " + p.status_as_of : ""))),
        p.facility_status ? row("设施 Facility", document.createTextNode(p.facility_status === "existing" ? "既有 existing" + (p.opened_year ? " (" + p.opened_year + ")" : "") : "新建 new")) : null,
        p.works_status ? row("工程 Works", document.createTextNode((STATUS_LABEL[p.works_status] || p.works_status) + (p.status_zh ? "（" + p.status_zh + "）" : ""))) : null,
        p.status_quote ? row("依据 Deciding quote", el("q", { text: p.status_quote })) : null,
        period ? row("年限 Period", document.createTextNode(period)) : null,
        length ? row("长度 Length", document.createTextNode(length)) : null,
        p.investment_yi_yuan_documented ? row("投资 Investment", document.createTextNode(fmt(p.investment_yi_yuan_documented, 2) + " 亿元")) : null,
        p.content ? row("内容 Works", document.createTextNode(p.content)) : null,
        places ? row("地点 Places", document.createTextNode(places)) : null,
        (p.zones && p.zones.length) ? row("合作区 Zones", document.createTextNode(p.zones.map(zoneName).join("、"))) : null,
        row("跨省 Cross-border", document.createTextNode(p.cross_border ? "是 yes" : "否 no"))
      ]),
      el("h4", { text: "文件 Documents (newest first)" }),
      mentions
    ]);
  }

  function layoutPopup(p) {
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en + " · " + p.element_type }),
      el("table", { class: "atlas-props" }, [
        row("规划 Plan", document.createTextNode((p.plan_title_zh || p.plan) + (p.formula_zh ? "：" + p.formula_zh : ""))),
        row("定义 Definition", el("q", { text: p.definition })),
        row("画法 Drawn as", document.createTextNode(p.derivation || "")),
        p.notes ? row("说明 Notes", document.createTextNode(p.notes)) : null
      ])
    ]);
  }

  function regionPopup(p) {
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      el("table", { class: "atlas-props" }, [
        row("行政区划代码 Adcode", document.createTextNode(p.adcode)),
        row("面积 Area", document.createTextNode(fmt(p.area_km2, 1) + " km²")),
        row("经济圈 In circle", document.createTextNode(p.in_economic_circle))
      ])
    ]);
  }

  function circlePopup(p) {
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      el("table", { class: "atlas-props" }, [
        row("面积 Area", document.createTextNode(fmt(p.area_km2) + " km² measured")),
        row("区县 Units", document.createTextNode(String(p.member_count))),
        row("说明 Notes", document.createTextNode(p.notes))
      ]),
      el("h4", { text: "出处 Sources" }),
      citations(p.sources)
    ]);
  }

  // Point in polygon (ray casting) over GeoJSON rings, for the county read-out.
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) { inside = !inside; }
    }
    return inside;
  }
  function inPolygon(x, y, rings) {
    if (!inRing(x, y, rings[0])) { return false; }
    for (var k = 1; k < rings.length; k++) { if (inRing(x, y, rings[k])) { return false; } }
    return true;
  }
  function inGeometry(x, y, g) {
    if (g.type === "Polygon") { return inPolygon(x, y, g.coordinates); }
    if (g.type === "MultiPolygon") { return g.coordinates.some(function (p) { return inPolygon(x, y, p); }); }
    return false;
  }

  // From the specs (config.layers): "zoomed" layers are fetched at the map's zoom (simplified,
  // display properties), the others in full; "refetch" layers are fetched again when the zoom
  // crosses into another detail level, so outlines stay about two pixels accurate whatever the
  // zoom (the server caches each level).
  var ZOOMED = {};
  var BASE = [];
  function detailLevel(zoom) { return zoom <= 5 ? 5 : zoom <= 7 ? 7 : zoom <= 9 ? 9 : zoom <= 11 ? 11 : 12; }

  var AtlasMap = {
    colours: {},
    init: function (config) {
      var map = window[config.map];
      var groups = {};
      Object.keys(config.groups).forEach(function (id) { groups[id] = window[config.groups[id]]; });
      this.map = map;
      this.config = config;
      this.groups = groups;
      var status = document.getElementById("atlas-status");
      var self = this;
      this.styles = {};
      this.layerInfo = {};
      (config.statuses || []).forEach(function (st) {
        STATUS_LABEL[st.key] = st.label_zh + " " + st.label_en;
        if (st.early) { EARLY[st.key] = true; }
      });
      // Layers in draw order (bottom first), as the specs' presentation says.
      var order = (config.layers || []).filter(function (l) { return groups[l.id]; }).map(function (l) {
        self.styles[l.id] = l.style;
        self.layerInfo[l.id] = { colour: l.colour, label: l.label_zh + " " + l.label_en };
        if (l.zoomed) { ZOOMED[l.id] = true; }
        if (l.refetch) { BASE.push(l.id); }
        if (l.group === "projects") { MODES[l.id] = { colour: l.colour, label: l.label_zh + " " + l.label_en, point: l.style === "point" }; }
        return l.id;
      });
      this.projects = {};
      var pending = order.length, failed = [];
      order.forEach(function (id) {
        var url = config.api + "/layers/" + encodeURIComponent(id) + (ZOOMED[id] ? "?zoom=" + detailLevel(config.zoom) : "");
        fetch(url).then(function (r) {
          if (!r.ok) { throw new Error(id + ": HTTP " + r.status); }
          return r.json();
        }).then(function (fc) {
          self.draw(id, fc);
        }).catch(function (err) {
          failed.push(id);
          if (window.console) { console.error(err); }
        }).then(function () {
          pending -= 1;
          if (pending === 0) {
            self.finish();
            if (self.applyLanguage) { self.applyLanguage(); }
            status.textContent = failed.length ? "未能加载 Could not load: " + failed.join(", ") : "";
            status.hidden = !failed.length;
            self.focusFromHash();
            document.body.setAttribute("data-atlas-ready", failed.length ? "partial" : "yes");
          }
        });
      });
      this.hover();
      this.controls();
      this.level = detailLevel(config.zoom);
      map.on("zoomend", function () { self.refreshBase(); });
    },

    refreshBase: function () {
      var level = detailLevel(this.map.getZoom()), self = this;
      if (level === this.level) { return; }
      this.level = level;
      BASE.filter(function (id) { return self.groups[id]; }).forEach(function (id) {
        fetch(self.config.api + "/layers/" + id + "?zoom=" + level).then(function (r) {
          if (!r.ok) { throw new Error(id + ": HTTP " + r.status); }
          return r.json();
        }).then(function (fc) {
          if (self.level !== level) { return; }  // the user zoomed on meanwhile
          self.groups[id].clearLayers();
          self.draw(id, fc);
          document.body.setAttribute("data-base-level", String(level));
        }).catch(function (err) { if (window.console) { console.error(err); } });
      });
    },

    draw: function (id, fc) {
      var group = this.groups[id], self = this;
      var style = this.styles[id];
      if (style === "outline") {
        L.geoJSON(fc, { interactive: false, style: { color: "#4d4d4d", weight: 2.2, fill: false } }).addTo(group);
        if (!this.provinces) { this.provinces = fc; this.minimap(); }
      } else if (style === "region") {
        this.counties = fc.features;
        L.geoJSON(fc, {
          style: function (f) {
            var c = f.properties.in_economic_circle;
            return { color: "#9a9a9a", weight: 0.6, fillColor: c === "no" ? "#ececec" : "#fbfaf6", fillOpacity: 1 };
          },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(f.properties.name_zh + " " + f.properties.name_en, { sticky: true, className: "atlas-tip" });
            layer.bindPopup(function () { return regionPopup(f.properties); });
          }
        }).addTo(group);
        group.bringToBack && group.bringToBack();
      } else if (style === "river") {
        L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(function (f) { return f.geometry; }) }, {
          style: { color: "#4a90c8", weight: 2, opacity: 0.85 },
          onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name_zh + " " + f.properties.name_en, { sticky: true, className: "atlas-tip" }); }
        }).addTo(group);
      } else if (style === "scope") {
        L.geoJSON(fc, {
          style: function (f) {
            var partial = f.properties.kind === "partial";
            return { color: "#8c510a", weight: partial ? 1.5 : 2.5, dashArray: partial ? "6 5" : null, fill: true, fillColor: "#8c510a", fillOpacity: partial ? 0.06 : 0.03 };
          },
          onEachFeature: function (f, layer) { layer.bindPopup(function () { return circlePopup(f.properties); }, { maxWidth: 380, autoPanPaddingTopLeft: L.point(20, 110) }); }
        }).addTo(group);
      } else if (style === "layout") {
        this.layout = fc.features;
      } else if (style === "network") {  // the existing trunk network: a quiet base under the works
        var info = this.layerInfo[id];
        L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(function (f) { return f.geometry; }) }, {
          style: { color: info.colour, weight: 1.8, opacity: 0.55 },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(f.properties.name_zh + "（既有 existing）", { sticky: true, className: "atlas-tip" });
            layer.bindPopup(function () { return projectPopup(f.properties, id); }, { maxWidth: 440, maxHeight: 420 });
          }
        }).addTo(group);
        document.body.setAttribute("data-" + id + "-drawn", String(fc.features.filter(function (f) { return f.geometry; }).length));
      } else if (MODES[id]) {  // style "line" or "point"
        this.drawProjects(id, fc);
      } else if (style === "zone") {
        // Largest first, so smaller zones sit on top and stay clickable.
        var feats = fc.features.slice().sort(function (a, b) { return (b.properties.area_km2 || 0) - (a.properties.area_km2 || 0); });
        feats.forEach(function (f, i) { self.colours[f.id] = PALETTE[i % PALETTE.length]; });
        this.zoneLayers = {};
        L.geoJSON({ type: "FeatureCollection", features: feats }, {
          style: function (f) {
            var approx = f.properties.geometry_quality === "approximate";
            return { color: self.colours[f.id], weight: 2, dashArray: approx ? "5 4" : null, fillColor: self.colours[f.id], fillOpacity: approx ? 0.12 : 0.22 };
          },
          onEachFeature: function (f, layer) {
            self.zoneLayers[f.id] = layer;
            layer.bindPopup(function () { return zonePopup(f.properties); }, { maxWidth: 420, maxHeight: 420, autoPanPaddingTopLeft: L.point(20, 110), autoPanPaddingBottomRight: L.point(300, 20) });
            layer.bindTooltip(f.properties.name_zh, { sticky: true, className: "atlas-tip" });
            layer.on("mouseover", function () { layer.setStyle({ weight: 4, fillOpacity: 0.35 }); });
            layer.on("mouseout", function () {
              var approx = f.properties.geometry_quality === "approximate";
              layer.setStyle({ weight: 2, fillOpacity: approx ? 0.12 : 0.22 });
            });
          }
        }).addTo(group);
        this.zones = feats;
        document.body.setAttribute("data-zones-drawn", String(feats.length));
      }
    },

    filters: { status: "", province: "", crossBorder: false, year: null },

    // The filters are the server's one query model: the map asks /api/layers/{id} with the same
    // parameters any client would use (status, province, cross_border, year), so the map, /api
    // and /ogc always select the same features.
    filterQuery: function () {
      var f = this.filters, params = [];
      if (f.status) { params.push("status=" + encodeURIComponent(f.status)); }
      if (f.province) { params.push("province=" + encodeURIComponent(f.province)); }
      if (f.crossBorder) { params.push("cross_border=true"); }
      if (f.year) { params.push("year=" + f.year); }
      return params.join("&");
    },

    applyFilters: function () {
      var self = this, query = this.filterQuery(), modes = Object.keys(MODES).filter(function (m) { return self.projects[m]; });
      var pending = modes.length, shown = 0, generation = (this.filterGeneration || 0) + 1;
      this.filterGeneration = generation;
      document.body.setAttribute("data-filter-pending", "yes");
      modes.forEach(function (mode) {
        var url = self.config.api + "/layers/" + encodeURIComponent(mode) + (query ? "?" + query : "");
        fetch(url).then(function (r) {
          if (!r.ok) { throw new Error(mode + ": HTTP " + r.status); }
          return r.json();
        }).then(function (fc) {
          if (self.filterGeneration !== generation) { return; }  // a newer filter is on its way
          self.groups[mode].clearLayers();
          shown += self.drawProjects(mode, fc, true);
        }).catch(function (err) { if (window.console) { console.error(err); } }).then(function () {
          pending -= 1;
          if (pending === 0 && self.filterGeneration === generation) {
            document.body.setAttribute("data-projects-shown", String(shown));
            document.body.setAttribute("data-filter-year", self.filters.year ? String(self.filters.year) : "");
            document.body.setAttribute("data-filter-pending", "");
          }
        });
      });
    },

    drawProjects: function (mode, fc, filtered) {
      var colour = MODES[mode].colour, self = this;
      var located = fc.features.filter(function (f) { return f.geometry; });
      if (!filtered) { this.projects[mode] = fc.features; }  // every feature, for the zones' popups
      this.projectLayers = this.projectLayers || {};
      L.geoJSON({ type: "FeatureCollection", features: located }, {
        style: function (f) {
          var st = f.properties.status;
          return { color: colour, weight: st === "operating" || st === "completed" ? 4 : 3, opacity: 0.9, dashArray: isEarly(st) ? "7 6" : null };
        },
        pointToLayer: function (f, latlng) {
          var st = f.properties.status;
          return L.circleMarker(latlng, { radius: 6, color: colour, weight: 2, fillColor: isEarly(st) ? "#ffffff" : colour, fillOpacity: 0.95, dashArray: isEarly(st) ? "3 2" : null });
        },
        onEachFeature: function (f, layer) {
          self.projectLayers[f.id] = layer;
          layer.bindPopup(function () { return projectPopup(f.properties, mode); }, { maxWidth: 440, maxHeight: 420, autoPanPaddingTopLeft: L.point(20, 110), autoPanPaddingBottomRight: L.point(300, 20) });
          layer.bindTooltip(f.properties.name_zh, { sticky: true, className: "atlas-tip" });
        }
      }).addTo(this.groups[mode]);
      document.body.setAttribute("data-" + mode + "-drawn", String(located.length));
      return located.length;
    },

    showPlan: function (plan) {
      var group = this.groups.layout, self = this, map = this.map;
      // A plan is read over a quiet base: zones and projects step aside while it is shown.
      var busy = ["zones"].concat(Object.keys(MODES)).filter(function (id) { return self.groups[id]; });
      if (plan && !this.hidden) {
        this.hidden = busy.filter(function (id) { return map.hasLayer(self.groups[id]); });
        this.hidden.forEach(function (id) { map.removeLayer(self.groups[id]); });
      } else if (!plan && this.hidden) {
        this.hidden.forEach(function (id) { map.addLayer(self.groups[id]); });
        this.hidden = null;
      }
      if (this.planLayer) {
        // Permanent tooltips must be unbound before their layers go, or their labels stay.
        this.planLayer.eachLayer(function (l) { l.unbindTooltip(); });
        group.removeLayer(this.planLayer);
        this.planLayer = null;
      }
      var feats = (this.layout || []).filter(function (f) { return f.properties.plan === plan && f.geometry; });
      // Areas first, so corridors and belts drawn later stay visible on top.
      feats.sort(function (a, b) { return (a.properties.element_type === "cluster" || a.properties.element_type === "core") ? -1 : 1; });
      this.planLayer = L.geoJSON({ type: "FeatureCollection", features: feats }, {
        style: function (f) {
          var st = ELEMENT_STYLE[f.properties.element_type] || ELEMENT_STYLE.axis;
          return { color: st.color, weight: 2.5, dashArray: st.dashArray, fillColor: st.color, fillOpacity: 0.12 };
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.name_zh, { permanent: true, direction: "center", className: "atlas-layout-label" });
          layer.bindPopup(function () { return layoutPopup(f.properties); }, { maxWidth: 420, autoPanPaddingTopLeft: L.point(20, 110) });
        }
      }).addTo(group);
      if (feats.length) { this.map.fitBounds(L.geoJSON({ type: "FeatureCollection", features: feats }).getBounds(), { padding: [40, 40], animate: false }); }
      document.body.setAttribute("data-layout-plan", plan || "");
      document.body.setAttribute("data-layout-drawn", String(feats.length));
      return feats.length;
    },

    openFeature: function (id) {
      var layer = (this.projectLayers && this.projectLayers[id]) || (this.zoneLayers && this.zoneLayers[id]);
      if (!layer || !this.map.hasLayer(layer)) { return false; }  // filtered out or hidden: fetch it instead
      var map = this.map, center = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
      map.setView(center, Math.max(map.getZoom(), 8), { animate: false });
      layer.openPopup(center);
      return true;
    },

    finish: function () {
      var legend = document.getElementById("atlas-legend");
      legend.textContent = "";
      legend.appendChild(el("h2", { text: "图例 Legend" }));
      var items = el("ul");
      items.appendChild(el("li", null, [el("span", { class: "swatch line", style: "border-color:#4d4d4d" }), "省界 Province boundary"]));
      items.appendChild(el("li", null, [el("span", { class: "swatch", style: "background:#fbfaf6;border-color:#9a9a9a" }), "经济圈内区县 County in the circle"]));
      items.appendChild(el("li", null, [el("span", { class: "swatch", style: "background:#ececec;border-color:#9a9a9a" }), "圈外区县 County outside"]));
      items.appendChild(el("li", null, [el("span", { class: "swatch line", style: "border-color:#4a90c8" }), "河流 River (GSHHG)"]));
      items.appendChild(el("li", null, [el("span", { class: "swatch line", style: "border-color:#8c510a" }), "经济圈范围 Circle scope"]));
      items.appendChild(el("li", null, [el("span", { class: "swatch line dashed", style: "border-color:#8c510a" }), "部分纳入 Partly in scope (开州, 云阳)"]));
      legend.appendChild(items);
      var present = Object.keys(MODES).filter(function (m) { return this.projects && this.projects[m]; }, this);
      if (present.length) {
        legend.appendChild(el("h3", { text: "项目 Projects" }));
        var pl = el("ul");
        present.forEach(function (m) {
          var point = MODES[m].point;
          pl.appendChild(el("li", null, [el("span", { class: "swatch" + (point ? " dot" : " line"), style: (point ? "background:" : "border-color:") + MODES[m].colour }), MODES[m].label]));
        });
        pl.appendChild(el("li", null, [el("span", { class: "swatch line", style: "border-color:#444;border-top-width:3px" }), "实线 建设/运营 Under construction, operating"]));
        pl.appendChild(el("li", null, [el("span", { class: "swatch line dashed", style: "border-color:#444;border-top-width:3px" }), "虚线/空心 规划/研究/前期 Planned, study, preparatory"]));
        legend.appendChild(pl);
        legend.appendChild(el("p", { class: "atlas-note", text: "线路为示意：按文件所列地点连直线 Lines are schematic, straight between the places the documents name" }));
        legend.appendChild(this.filterPanel());
      }
      if (this.layout && this.layout.length) {
        var plans = {}, self2 = this;
        this.layout.forEach(function (f) { plans[f.properties.plan] = f.properties.plan_title_zh; });
        var select = el("select", { id: "atlas-plan", "aria-label": "选择规划的空间布局 Choose a plan's spatial layout" }, [el("option", { value: "", text: "— 选择规划 Choose a plan —" })]);
        Object.keys(plans).forEach(function (k) { select.appendChild(el("option", { value: k, text: plans[k] })); });
        select.addEventListener("change", function () { self2.showPlan(select.value); });
        legend.appendChild(el("h3", { text: "空间布局 Spatial layout" }));
        legend.appendChild(select);
      }
      if (this.zones) {
        legend.appendChild(el("h3", { text: "合作区 Zones (click / 点击)" }));
        var zl = el("ul", { class: "atlas-zone-legend" });
        var self = this;
        this.zones.slice().sort(function (a, b) { return a.properties.area_km2 - b.properties.area_km2; }).forEach(function (f) {
          var approx = f.properties.geometry_quality === "approximate";
          var button = el("button", { type: "button", "data-zone": f.id, title: f.properties.name_en }, [
            el("span", { class: "swatch" + (approx ? " dashed" : ""), style: "background:" + self.colours[f.id] + "55;border-color:" + self.colours[f.id] }),
            f.properties.name_zh
          ]);
          button.addEventListener("click", function () { self.focusZone(f.id); });
          zl.appendChild(el("li", null, [button]));
        });
        legend.appendChild(zl);
        legend.appendChild(el("p", { class: "atlas-note", text: "虚线：部分成员仅部分纳入 Dashed: members partly inside, whole units drawn" }));
      }
    },

    filterPanel: function () {
      var self = this;
      var status = el("select", { id: "atlas-status-filter", "aria-label": "Status" }, [el("option", { value: "", text: "全部状态 all statuses" })]);
      Object.keys(STATUS_LABEL).forEach(function (k) { status.appendChild(el("option", { value: k, text: STATUS_LABEL[k] })); });
      var province = el("select", { id: "atlas-province-filter", "aria-label": "Province" }, [
        el("option", { value: "", text: "川渝 both" }), el("option", { value: "sichuan", text: "四川 Sichuan" }), el("option", { value: "chongqing", text: "重庆 Chongqing" })]);
      var cross = el("input", { id: "atlas-cross-filter", type: "checkbox" });
      var year = el("input", { id: "atlas-year", type: "range", min: "2019", max: "2035", step: "1", value: "2019", "aria-label": "Year (2019 = all years)" });
      var yearLabel = el("span", { id: "atlas-year-label", text: "全部年份 all years" });
      function update() {
        self.filters.status = status.value;
        self.filters.province = province.value;
        self.filters.crossBorder = cross.checked;
        var y = parseInt(year.value, 10);
        self.filters.year = y >= 2020 ? y : null;
        yearLabel.textContent = self.filters.year ? String(y) : "全部年份 all years";
        self.applyFilters();
      }
      [status, province, cross, year].forEach(function (c) { c.addEventListener(c === year ? "input" : "change", update); });
      return el("div", { class: "atlas-filters" }, [
        el("h3", { text: "筛选项目 Filter projects" }),
        el("label", null, ["状态 Status ", status]),
        el("label", null, ["省市 Province ", province]),
        el("label", null, [cross, " 仅跨省 cross-border only"]),
        el("label", null, ["年份 Year: ", yearLabel, year])
      ]);
    },

    controls: function () {
      var self = this, map = this.map;
      var input = document.getElementById("atlas-search"), list = document.getElementById("atlas-results");
      var timer = null, results = [], active = -1;
      function render() {
        list.textContent = "";
        results.forEach(function (r, i) {
          var item = el("li", { role: "option", id: "atlas-result-" + i, "data-id": r.id, "aria-selected": String(i === active) }, [
            r.name_zh, el("span", { class: "atlas-layer", text: r.name_en + " · " + r.layer })]);
          item.addEventListener("mousedown", function (e) { e.preventDefault(); self.choose(r); list.hidden = true; });
          list.appendChild(item);
        });
        list.hidden = !results.length;
      }
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (!q) { results = []; render(); return; }
        timer = setTimeout(function () {
          fetch(self.config.api + "/search?limit=12&q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (body) { results = body.results; active = results.length ? 0 : -1; render(); });
        }, 150);
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          active = Math.max(0, Math.min(results.length - 1, active + (e.key === "ArrowDown" ? 1 : -1)));
          render(); e.preventDefault();
        } else if (e.key === "Enter" && results[active]) {
          self.choose(results[active]); list.hidden = true;
        } else if (e.key === "Escape") { list.hidden = true; }
      });
      var adcode = document.getElementById("atlas-adcode");
      adcode.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") { return; }
        var code = adcode.value.trim();
        if (!/^\d{6}$/.test(code)) { self.say("行政区划代码为6位数字 An adcode has six digits"); return; }
        self.choose({ id: "region:" + code, layer: "counties" });
      });
      this.measureTool();
      this.languageSwitch();
      document.getElementById("atlas-fullscreen").addEventListener("click", function () {
        var page = document.documentElement;
        if (document.fullscreenElement) { document.exitFullscreen(); } else if (page.requestFullscreen) { page.requestFullscreen(); }
      });
    },

    // Distance along clicked points (geodesic on the sphere, Leaflet's map.distance).
    measureTool: function () {
      var map = this.map, button = document.getElementById("atlas-measure"), self = this;
      var points = [], line = null, label = null, active = false;
      function clear() {
        points = [];
        if (line) { map.removeLayer(line); line = null; }
        if (label) { map.removeLayer(label); label = null; }
      }
      function total() {
        var d = 0;
        for (var i = 1; i < points.length; i++) { d += map.distance(points[i - 1], points[i]); }
        return d;
      }
      map.on("click", function (e) {
        if (!active) { return; }
        points.push(e.latlng);
        if (!line) { line = L.polyline(points, { color: "#000", weight: 2, dashArray: "4 4", interactive: false }).addTo(map); } else { line.setLatLngs(points); }
        if (label) { map.removeLayer(label); }
        label = L.tooltip({ permanent: true, direction: "right", className: "atlas-measure-label" })
          .setLatLng(e.latlng).setContent((total() / 1000).toFixed(1) + " km").addTo(map);
        document.body.setAttribute("data-measure-km", (total() / 1000).toFixed(1));
      });
      button.addEventListener("click", function () {
        active = !active;
        button.setAttribute("aria-pressed", String(active));
        map.getContainer().style.cursor = active ? "crosshair" : "";
        // While measuring, features let clicks through to the map instead of opening popups.
        map.getContainer().classList.toggle("atlas-measuring", active);
        map.closePopup();
        if (!active) { clear(); }
      });
      document.addEventListener("keydown", function (e) { if (e.key === "Escape" && active) { clear(); } });
      this.measure = { points: function () { return points.length; } };
    },

    // 中文 / English: bilingual UI labels ("图例 Legend") show one language or both.
    languageSwitch: function () {
      var modes = ["both", "zh", "en"], i = 0, originals = new WeakMap(), self = this;
      var split = /^([^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/;
      function apply(root) {
        var mode = modes[i];
        var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        var nodes = [];
        while (walker.nextNode()) { nodes.push(walker.currentNode); }
        nodes.forEach(function (n) {
          if (n.parentNode && n.parentNode.closest && n.parentNode.closest("q, .atlas-cite-doc, .atlas-popup h3, .atlas-en, td, .atlas-zone-legend")) { return; }  // data, not UI
          var original = originals.has(n) ? originals.get(n) : n.nodeValue;
          var m = split.exec(original.trim());
          if (!m) { return; }
          originals.set(n, original);
          n.nodeValue = mode === "zh" ? m[1] + " " : mode === "en" ? m[2] + " " : original;
        });
        root.querySelectorAll && root.querySelectorAll("input[placeholder]").forEach(function (input) {
          var original = input.getAttribute("data-placeholder") || input.placeholder;
          input.setAttribute("data-placeholder", original);
          var m = split.exec(original);
          input.placeholder = m && mode !== "both" ? (mode === "zh" ? m[1] : m[2]) : original;
        });
      }
      this.applyLanguage = function (root) { apply(root || document.body); };
      document.getElementById("atlas-lang").addEventListener("click", function () {
        i = (i + 1) % modes.length;
        document.documentElement.lang = modes[i] === "en" ? "en" : "zh";
        document.body.setAttribute("data-lang", modes[i]);
        apply(document.body);
      });
      this.map.on("popupopen", function (e) { apply(e.popup.getElement()); });
    },

    minimap: function () {
      var box = document.getElementById("atlas-minimap"), main = this.map;
      if (!box || !this.provinces) { return; }
      var mini = L.map(box, { attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
        doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false });
      var outline = L.geoJSON(this.provinces, { interactive: false, style: { color: "#4d4d4d", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 } }).addTo(mini);
      mini.fitBounds(outline.getBounds());
      var view = L.rectangle(main.getBounds(), { color: "#D55E00", weight: 2, fill: false, interactive: false }).addTo(mini);
      main.on("moveend", function () { view.setBounds(main.getBounds()); });
      mini.on("click", function (e) { main.panTo(e.latlng); });
      this.mini = mini;
    },

    say: function (text) {
      var status = document.getElementById("atlas-status");
      status.hidden = false;
      status.textContent = text;
    },

    choose: function (result) {
      var self = this, map = this.map;
      var group = this.groups[result.layer];
      if (group && !map.hasLayer(group)) { map.addLayer(group); }
      if (this.openFeature(result.id)) { document.body.setAttribute("data-chosen", result.id); return; }
      fetch(this.config.api + "/features/" + encodeURIComponent(result.id)).then(function (r) {
        if (!r.ok) { throw new Error("not found"); }
        return r.json();
      }).then(function (feature) {
        if (!feature.geometry) { self.say((feature.properties.name_zh || result.id) + "：文件未给出位置 no location in the documents"); return; }
        var shape = L.geoJSON(feature);
        map.fitBounds(shape.getBounds(), { maxZoom: 10, padding: [40, 40], animate: false });
        var p = feature.properties;
        var content = p.layer === "zones" ? zonePopup(p) : MODES[p.layer] ? projectPopup(p, p.layer) : p.adcode && p.level ? regionPopup(p) : el("div", { class: "atlas-popup", "data-feature-id": p.id }, [el("h3", { text: p.name_zh }), el("p", { class: "atlas-en", text: p.name_en })]);
        L.popup({ maxWidth: 420, autoPanPaddingTopLeft: L.point(360, 40) }).setLatLng(shape.getBounds().getCenter()).setContent(content).openOn(map);
        document.body.setAttribute("data-chosen", result.id);
      }).catch(function () { self.say("未找到 Not found: " + result.id); });
    },

    // "#focus=zone:wandakai" (the zone pages link back to the map this way) opens that feature.
    focusFromHash: function () {
      var m = /(?:^#|&)focus=([^&]+)/.exec(window.location.hash || "");
      if (!m) { return; }
      var id = decodeURIComponent(m[1]);
      if (this.zoneLayers && this.zoneLayers[id]) { this.focusZone(id); } else { this.choose({ id: id, layer: id.split(":")[0] }); }
      document.body.setAttribute("data-focus", id);
    },

    focusZone: function (id) {
      var layer = this.zoneLayers && this.zoneLayers[id];
      if (!layer) { return; }
      var map = this.map;
      map.once("moveend", function () { layer.openPopup(layer.getBounds().getCenter()); });
      map.fitBounds(layer.getBounds(), { padding: [30, 30], animate: false });
    },

    hover: function () {
      var box = document.getElementById("atlas-hover"), self = this;
      box.hidden = true;
      this.map.on("mousemove", function (e) {
        if (!self.counties) { return; }
        var x = e.latlng.lng, y = e.latlng.lat, hit = null;
        for (var i = 0; i < self.counties.length && !hit; i++) {
          if (inGeometry(x, y, self.counties[i].geometry)) { hit = self.counties[i]; }
        }
        box.hidden = false;
        box.textContent = e.latlng.lat.toFixed(4) + "°N " + e.latlng.lng.toFixed(4) + "°E (WGS84)";
        if (!hit) { return; }
        var p = hit.properties;
        box.appendChild(el("br"));
        box.appendChild(el("strong", { text: p.name_zh }));
        box.appendChild(document.createTextNode(" " + p.name_en + " · " + p.adcode));
      });
    }
  };

  window.AtlasMap = AtlasMap;
})();
