/* Chengyu Atlas map behaviour: fetch layers from the API into the Folium-made feature groups,
 * style them, bind popups, build the legend panels, place the name labels, keep the view in the
 * URL and export it as an image.
 * All text from the data is inserted with textContent (never innerHTML), so nothing in a
 * feature's properties can run as script; styles are set through the CSSOM (the page's CSP
 * forbids style attributes). */
(function () {
  "use strict";

  // Okabe–Ito palette (colour-blind safe), then Tol's muted for more zones.
  var PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442",
    "#882255", "#44AA99", "#117733", "#999933", "#AA4499", "#332288", "#DDCC77"];
  var SVGNS = "http://www.w3.org/2000/svg";
  var BACKGROUND = "#dfe8ee";

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

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function fmt(n, digits) {
    if (n === null || n === undefined) { return "—"; }
    return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function row(label, value) {
    return el("tr", null, [el("th", { text: label }), el("td", null, [value])]);
  }

  function text(s) { return document.createTextNode(s === null || s === undefined ? "" : String(s)); }

  function uiLang() { return document.body.getAttribute("data-lang") || "both"; }

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

  function memberList(members) {
    var list = el("ul", { class: "atlas-members" });
    (members || []).forEach(function (m) {
      list.appendChild(el("li", { text: (m.name_zh || m.name || m.adcode || "") + (m.part ? "（部分 part）" : "") }));
    });
    return list;
  }

  function qualityNote(p) {
    if (p.geometry_quality === "indicative") { return el("p", { class: "atlas-warn", text: "示意范围：只有部分单元属于此区，图上以斜线示意。Indicative extent: only part of the units belongs; hatched, not measured as whole units." }); }
    if (p.geometry_quality === "approximate") { return el("p", { class: "atlas-warn", text: "部分成员仅部分纳入：图上画出整个区县。Some members belong only in part; whole units are drawn." }); }
    return null;
  }

  function zonePopup(p) {
    var area = fmt(p.area_km2) + " km² measured";
    if (p.area_km2_documented !== null && p.area_km2_documented !== undefined) {
      area += " · " + fmt(p.area_km2_documented) + " km² documented";
      if (p.area_difference_pct !== null && p.area_difference_pct !== undefined) { area += " (" + (p.area_difference_pct > 0 ? "+" : "") + fmt(p.area_difference_pct, 2) + "%)"; }
    }
    var figures = [];
    if (p.population_wan_documented !== null && p.population_wan_documented !== undefined) { figures.push(fmt(p.population_wan_documented, 2) + " 万人 population"); }
    if (p.gdp_yi_yuan_documented !== null && p.gdp_yi_yuan_documented !== undefined) { figures.push(fmt(p.gdp_yi_yuan_documented, 1) + " 亿元 GDP"); }
    var table = el("table", { class: "atlas-props" }, [
      row("成员 Members", memberList(p.members)),
      row("面积 Area", text(area)),
      figures.length ? row("数据 Figures" + (p.figures_year ? " (" + p.figures_year + ")" : ""), text(figures.join(" · "))) : null,
      row("规划 Plan", text((p.plan_title_zh || "") + (p.plan_date ? " (" + p.plan_date + ")" : ""))),
      p.notes ? row("说明 Notes", text(p.notes)) : null
    ]);
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      qualityNote(p),
      table,
      el("h4", { text: "出处 Sources" }),
      citations(p.sources),
      zoneProjects(p.id),
      // A relative path built from the id, never a URL taken from the data.
      el("p", null, [el("a", { href: "/zones/" + encodeURIComponent(p.id), class: "atlas-more", text: "详情页 Zone page →" })])
    ]);
  }

  var LEVELS = { national: "国家级 national", provincial: "省级 provincial", municipal: "市级 municipal" };

  // The platforms layer (national new areas, science cities, free-trade zones, parks…).
  function platformPopup(p) {
    var area = null;
    if (p.area_km2 !== null && p.area_km2 !== undefined) { area = fmt(p.area_km2) + " km² measured"; }
    if (p.area_km2_documented !== null && p.area_km2_documented !== undefined) { area = (area ? area + " · " : "") + fmt(p.area_km2_documented) + " km² documented"; }
    var plan = p.plan_title_zh || p.defining_doc_title_zh || p.plan_doc || p.defining_doc || null;
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      qualityNote(p),
      el("table", { class: "atlas-props" }, [
        row("类型 Kind", text(p.kind)),
        p.level ? row("级别 Level", text(LEVELS[p.level] || p.level)) : null,
        (p.members && p.members.length) ? row("成员 Members", memberList(p.members)) : null,
        p.site ? row("位置 Site", text(typeof p.site === "string" ? p.site : (p.site.name_zh || ""))) : null,
        area ? row("面积 Area", text(area)) : null,
        plan ? row("规划 Plan", text(plan + (p.plan_date ? " (" + p.plan_date + ")" : ""))) : null,
        p.notes ? row("说明 Notes", text(p.notes)) : null
      ]),
      el("h4", { text: "出处 Sources" }),
      citations(p.sources)
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
  function isEarly(status) { return !!EARLY[status]; }

  // The plans' layout elements: colour, name and how the figure draws each type.
  var ELEMENT_TYPES = {
    axis: { color: "#B2182B", zh: "轴", en: "axis", fillOpacity: 0.42, weight: 1.5, dashArray: null },
    belt: { color: "#2166AC", zh: "带", en: "belt", fillOpacity: 1, weight: 1.5, dashArray: "6 4", hatch: true },
    corridor: { color: "#E69F00", zh: "廊道", en: "corridor", fillOpacity: 0.24, weight: 1.8, dashArray: "8 4" },
    ring: { color: "#4393C3", zh: "环线", en: "ring", fillOpacity: 0.16, weight: 2, dashArray: "2 4" },
    core: { color: "#762A83", zh: "核心", en: "core", fillOpacity: 0.5, weight: 2.5, dashArray: null },
    cluster: { color: "#1B7837", zh: "组团", en: "cluster", fillOpacity: 0.3, weight: 2, dashArray: null },
    node: { color: "#222222", zh: "节点", en: "node", fillOpacity: 0, weight: 1, dashArray: "2 3", symbol: true },
    barrier: { color: "#5A7D2A", zh: "生态屏障", en: "ecological barrier", fillOpacity: 0.18, weight: 1.5, dashArray: "3 3" }
  };
  // Bottom to top: areas, then bands, then the axes, then the node symbols.
  var ELEMENT_DRAW_ORDER = ["barrier", "cluster", "core", "belt", "corridor", "ring", "axis", "node"];
  // Which names the labeller places first.
  var PLAN_LABEL_ORDER = ["axis", "core", "cluster", "belt", "corridor", "ring", "node", "barrier"];
  function elementType(f) { return ELEMENT_TYPES[f.properties.element_type] ? f.properties.element_type : "axis"; }
  // The words of a layout formula ("一轴、两带、三组团") and the element types they name, to
  // list a plan's types in the formula's own order.
  var FORMULA_WORDS = [["组团", "cluster"], ["走廊", "corridor"], ["廊", "corridor"], ["轴", "axis"], ["带", "belt"], ["核", "core"],
    ["中心", "core"], ["支点", "node"], ["节点", "node"], ["园区", "node"], ["环", "ring"], ["线", "corridor"], ["片", "cluster"], ["区", "cluster"], ["屏障", "barrier"]];

  function elementTypesInOrder(formula, present) {
    var order = [];
    (formula || "").split(/[、，,·\s]+/).forEach(function (part) {
      FORMULA_WORDS.some(function (w) {
        if (part.indexOf(w[0]) >= 0) {
          if (present.indexOf(w[1]) >= 0 && order.indexOf(w[1]) < 0) { order.push(w[1]); }
          return true;
        }
        return false;
      });
    });
    ["axis", "belt", "corridor", "ring", "core", "cluster", "node", "barrier"].forEach(function (t) {
      if (present.indexOf(t) >= 0 && order.indexOf(t) < 0) { order.push(t); }
    });
    return order;
  }

  // "一轴、两带、三组团" → "一轴 · 两带 · 三组团" when it is a formula, not a sentence.
  function isFormula(formula) {
    return !!formula && formula.length <= 20 && formula.split(/[、，,\s]+/).every(function (part) { return /^([一二两三四五六七八九十双多]\S{1,4})+$/.test(part); });
  }
  function formulaTitle(formula) {
    if (!formula) { return null; }
    return isFormula(formula) ? formula.replace(/([^、，,\s])(?=[一二两三四五六七八九十双多])/g, "$1、").split(/[、，,\s]+/).join(" · ") : formula;
  }

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
    // How the geometry was made (the layer says: a site, a route through sourced waypoints, a river…).
    var quality = p.geometry_quality === "schematic" ? "示意线 Schematic: " + (p.derivation || "through the places the documents name") :
      p.geometry_quality === "sited" ? "位置 Sited: " + (p.derivation || "") :
      p.geometry_quality === "unlocated" ? "未定位 Not located: " + (p.derivation || "") :
      p.geometry_quality === "approximate" ? "位置近似 Approximate: a label point, no sourced site" : null;
    var asOf = p.status_as_of ? " · 截至 as of " + p.status_as_of : "";
    var exits = (p.exits || []).map(function (x) { return x.toward_zh + (x.toward_en ? " " + x.toward_en : ""); });
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en + " · " + ((MODES[mode] || AtlasMap.layerInfo[mode] || {}).label || mode) + " · " + p.kind + (p.upgrade ? " (upgrade)" : "") }),
      quality ? el("p", { class: "atlas-warn", text: quality }) : null,
      el("table", { class: "atlas-props" }, [
        row("状态 Status", text((STATUS_LABEL[p.status] || p.status) + asOf)),
        p.facility_status ? row("设施 Facility", text(p.facility_status === "existing" ? "既有 existing" + (p.opened_year ? " (" + p.opened_year + ")" : "") : "新建 new")) : null,
        p.works_status ? row("工程 Works", text((STATUS_LABEL[p.works_status] || p.works_status) + (p.status_zh ? "（" + p.status_zh + "）" : "") + asOf)) : null,
        p.status_quote ? row("依据 Deciding quote", el("q", { text: p.status_quote })) : null,
        period ? row("年限 Period", text(period)) : null,
        length ? row("长度 Length", text(length)) : null,
        p.investment_yi_yuan_documented ? row("投资 Investment", text(fmt(p.investment_yi_yuan_documented, 2) + " 亿元")) : null,
        p.content ? row("内容 Works", text(p.content)) : null,
        places ? row("地点 Places", text(places)) : null,
        exits.length ? row("出图方向 Continues toward", text(exits.join("、"))) : null,
        (p.zones && p.zones.length) ? row("合作区 Zones", text(p.zones.map(zoneName).join("、"))) : null,
        row("跨省 Cross-border", text(p.cross_border ? "是 yes" : "否 no"))
      ]),
      el("h4", { text: "文件 Documents (newest first)" }),
      mentions
    ]);
  }

  function layoutPopup(p) {
    var type = ELEMENT_TYPES[p.element_type] || {};
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en + " · " + (type.zh ? type.zh + " " : "") + p.element_type }),
      el("table", { class: "atlas-props" }, [
        row("规划 Plan", text((p.plan_title_zh || p.plan) + (p.formula_zh ? "：" + p.formula_zh : ""))),
        row("定义 Definition", el("q", { text: p.definition })),
        row("画法 Drawn as", text(p.derivation || "")),
        p.notes ? row("说明 Notes", text(p.notes)) : null
      ])
    ]);
  }

  function regionPopup(p) {
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      el("table", { class: "atlas-props" }, [
        row("行政区划代码 Adcode", text(p.adcode)),
        row("面积 Area", text(fmt(p.area_km2, 1) + " km²")),
        row("经济圈 In circle", text(p.in_economic_circle))
      ])
    ]);
  }

  function circlePopup(p) {
    return el("div", { class: "atlas-popup", "data-feature-id": p.id }, [
      el("h3", { text: p.name_zh }),
      el("p", { class: "atlas-en", text: p.name_en }),
      qualityNote(p),
      el("table", { class: "atlas-props" }, [
        row("面积 Area", text(fmt(p.area_km2) + " km² measured")),
        row("区县 Units", text(String(p.member_count))),
        row("说明 Notes", text(p.notes))
      ]),
      el("h4", { text: "出处 Sources" }),
      citations(p.sources)
    ]);
  }

  // ---- geometry helpers (lon/lat arrays as in GeoJSON) ----

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
  function ringArea(ring) {
    var a = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) { a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]); }
    return Math.abs(a / 2);
  }
  function largestPolygon(g) {
    if (g.type === "Polygon") { return g.coordinates; }
    if (g.type !== "MultiPolygon") { return null; }
    var best = null, bestArea = -1;
    g.coordinates.forEach(function (p) { var a = ringArea(p[0]); if (a > bestArea) { bestArea = a; best = p; } });
    return best;
  }
  function geometryArea(g) {
    if (!g) { return 0; }
    if (g.type === "Polygon") { return ringArea(g.coordinates[0]); }
    if (g.type === "MultiPolygon") { return g.coordinates.reduce(function (a, p) { return a + ringArea(p[0]); }, 0); }
    return 0;
  }
  function segmentDistance(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, t = 0, len = dx * dx + dy * dy;
    if (len > 0) { t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)); }
    var x = ax + t * dx - px, y = ay + t * dy - py;
    return Math.sqrt(x * x + y * y);
  }
  function labelPoint(g) { return labelPoints(g, 1)[0] || null; }

  // Points well inside a polygon (a small grid search for the points farthest from its edges),
  // where a label or symbol can stand: a band's centroid often falls outside the band. The first
  // is the deepest; up to n-1 more, apart from each other, give a label other places to go.
  function labelPoints(g, n) {
    if (!g) { return []; }
    if (g.type === "Point") { return [[g.coordinates[0], g.coordinates[1]]]; }
    if (g.type === "MultiPoint") { return g.coordinates.slice(0, n); }
    var poly = largestPolygon(g);
    if (!poly) {
      var line = g.type === "LineString" ? g.coordinates : g.type === "MultiLineString" ? g.coordinates[0] : null;
      return line ? [line[Math.floor(line.length / 2)]] : [];
    }
    return polygonLabelPoints(poly, n);
  }

  function polygonLabelPoints(poly, n) {
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    poly[0].forEach(function (c) { minx = Math.min(minx, c[0]); maxx = Math.max(maxx, c[0]); miny = Math.min(miny, c[1]); maxy = Math.max(maxy, c[1]); });
    var k = Math.cos((miny + maxy) / 2 * Math.PI / 180);  // metres per degree of longitude shrink
    function depth(x, y) {
      if (!inPolygon(x, y, poly)) { return -1; }
      var d = Infinity;
      poly.forEach(function (ring) {
        for (var i = 1; i < ring.length; i++) {
          d = Math.min(d, segmentDistance(x * k, y, ring[i - 1][0] * k, ring[i - 1][1], ring[i][0] * k, ring[i][1]));
        }
      });
      return d;
    }
    var best = null, bestD = -1, cells = 14, sx = (maxx - minx) / cells, sy = (maxy - miny) / cells, grid = [];
    for (var i = 0; i <= cells; i++) {
      for (var j = 0; j <= cells; j++) {
        var x = minx + i * sx, y = miny + j * sy, d = depth(x, y);
        if (d > 0) { grid.push({ p: [x, y], d: d }); }
        if (d > bestD) { bestD = d; best = [x, y]; }
      }
    }
    if (!best || bestD < 0) { return [[(minx + maxx) / 2, (miny + maxy) / 2]]; }
    for (var r = 0; r < 2; r++) {  // refine around the best cell
      sx /= 4; sy /= 4;
      var cx = best[0], cy = best[1];
      for (var a = -4; a <= 4; a++) {
        for (var b = -4; b <= 4; b++) {
          var d2 = depth(cx + a * sx, cy + b * sy);
          if (d2 > bestD) { bestD = d2; best = [cx + a * sx, cy + b * sy]; }
        }
      }
    }
    var out = [best], apart = Math.max((maxx - minx) * k, maxy - miny) / 4;
    grid.sort(function (a, b) { return b.d - a.d; });
    grid.forEach(function (c) {
      if (out.length >= (n || 1) || c.d < bestD * 0.45) { return; }
      if (out.every(function (q) { return Math.sqrt(Math.pow((q[0] - c.p[0]) * k, 2) + Math.pow(q[1] - c.p[1], 2)) > apart; })) { out.push(c.p); }
    });
    return out;
  }

  // Every part of a (multi)polygon at least a tenth the size of the largest, for symbols.
  function mainParts(g) {
    var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    var areas = polys.map(function (p) { return ringArea(p[0]); }), top = Math.max.apply(null, areas.concat([0]));
    return polys.filter(function (p, i) { return areas[i] >= top * 0.1; });
  }

  // A fixed-size symbol drawn as an SVG path (a square for platform sites, a diamond for plan
  // nodes): a CircleMarker whose outline is not a circle.
  var SymbolMarker = L.CircleMarker.extend({
    options: { shape: "square" },
    _updatePath: function () {
      var p = this._point, r = this._radius, d;
      if (!p) { return; }
      if (this.options.shape === "diamond") {
        var s = r * 1.35;
        d = "M" + p.x + "," + (p.y - s) + "L" + (p.x + s) + "," + p.y + "L" + p.x + "," + (p.y + s) + "L" + (p.x - s) + "," + p.y + "z";
      } else {
        d = "M" + (p.x - r) + "," + (p.y - r) + "h" + (2 * r) + "v" + (2 * r) + "h" + (-2 * r) + "z";
      }
      this._renderer._setPath(this, d);
    }
  });

  // Map panes, bottom to top: counties, quiet context (existing network, circle scope), the
  // frame (province lines, rivers), Leaflet's overlay pane (zones, projects, platforms), the
  // plan figure, then the labels (HTML, not interactive). Each SVG pane has its own renderer, so
  // a plan view can dim the base by the pane's opacity and the export can read it.
  var PANES = { atlasCounties: 350, atlasContext: 360, atlasFrame: 370, atlasPlan: 420, atlasLabels: 450 };
  var PANE_OF_STYLE = { region: "atlasCounties", scope: "atlasContext", network: "atlasContext", outline: "atlasFrame", river: "atlasFrame", layout: "atlasPlan" };

  // Legend swatches, one description for the panel (DOM) and the exported image (canvas).
  function swatchOf(style, colour) {
    switch (style) {
      case "outline": return { kind: "line", colour: "#4d4d4d", width: 2.2 };
      case "region": return { kind: "box", colour: "#9a9a9a", fill: "#fbfaf6" };
      case "river": return { kind: "line", colour: "#4a90c8", width: 2 };
      case "network": return { kind: "line", colour: colour || "#7a7a7a", width: 2, opacity: 0.6 };
      case "scope": return { kind: "line", colour: "#8c510a", width: 2.5 };
      case "zone": return { kind: "zones" };
      case "point": return { kind: "dot", colour: colour };
      case "area": return { kind: "box", colour: colour, fill: colour, fillOpacity: 0.2 };
      default: return { kind: "line", colour: colour || "#444", width: 3 };
    }
  }

  function swatchNode(def) {
    var node = el("span", { class: "swatch", "aria-hidden": "true" });
    var s = node.style;
    if (def.kind === "line") {
      node.classList.add("line");
      s.borderTopColor = def.colour;
      s.borderTopWidth = Math.max(2, Math.round(def.width || 2)) + "px";
      if (def.dash) { node.classList.add("dashed"); }
      if (def.opacity) { s.opacity = String(def.opacity); }
      if (def.halo) { s.boxShadow = "0 0 0 3px " + def.halo; }
    } else if (def.kind === "dot" || def.kind === "ring") {
      node.classList.add("dot");
      s.backgroundColor = def.hollow ? "#fff" : def.colour;
      s.borderColor = def.hollow ? def.colour : (def.stroke || "#fff");
      if (def.hollow) { node.classList.add("dashed"); }
      if (def.kind === "ring") { node.classList.add(def.dash ? "ring-dashed" : "ring"); s.outlineColor = def.colour; }
    } else if (def.kind === "zones") {
      node.classList.add("zones");
    } else if (def.kind === "hatch") {
      node.classList.add("hatch");
      s.color = def.colour;
      s.borderColor = def.colour;
      if (def.dash) { node.classList.add("dashed"); }
    } else if (def.kind === "diamond") {
      node.classList.add("diamond");
      s.backgroundColor = def.colour;
    } else {
      s.borderColor = def.colour;
      s.backgroundColor = def.fill || "transparent";
      if (def.fillOpacity !== undefined) { s.backgroundColor = hexAlpha(def.fill, def.fillOpacity); }
      if (def.dash) { node.classList.add("dashed"); }
    }
    return node;
  }

  function hexAlpha(hex, alpha) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) { return hex; }
    return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," + alpha + ")";
  }

  // From the specs (config.layers): "zoomed" layers are fetched at the map's zoom (simplified,
  // display properties), the others in full; "refetch" layers are fetched again when the zoom
  // crosses into another detail level, so outlines stay about two pixels accurate whatever the
  // zoom (the server caches each level).
  var ZOOMED = {};
  var BASE = [];
  // The detail levels come from the page (api/mapview.py: DETAIL_LEVELS): a zoom uses the first
  // level at or above it.
  var LEVELS = [5, 7, 9, 11, 12];
  function detailLevel(zoom) {
    for (var i = 0; i < LEVELS.length; i++) { if (zoom <= LEVELS[i]) { return LEVELS[i]; } }
    return LEVELS[LEVELS.length - 1];
  }

  // A layer's URL at a level. The page preloads the layers shown at start (config.preload, at
  // the start zoom's level): those are fetched by exactly the preloaded URL, so the browser
  // hands over the response it already has or is receiving.
  function layerUrl(config, id, level) {
    var pre = config.preload || {}, url = (pre.layers || {})[id];
    if (url && (!ZOOMED[id] || level === pre.level)) { return url; }
    return config.api + "/layers/" + encodeURIComponent(id) + (ZOOMED[id] ? "?zoom=" + level : "");
  }

  // A layer fetched at a zoom carries each feature's display properties only (its spec's
  // summary fields): such features are marked, and their popups fetch the whole feature.
  function getJSON(url, id) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(id + ": HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      if (/[?&]zoom=/.test(url) && data && data.features) { data.features.forEach(function (f) { f.summary = true; }); }
      return data;
    });
  }

  // A whole feature, from /api/features/{id}: fetched once (when its popup first opens, or a
  // search chooses it); a failed fetch is tried again next time.
  var FEATURES = {};
  function wholeFeature(api, id) {
    if (!FEATURES[id]) {
      FEATURES[id] = getJSON(api + "/features/" + encodeURIComponent(id), id);
      FEATURES[id].catch(function () { delete FEATURES[id]; });
    }
    return FEATURES[id];
  }

  // A popup whose options carry fitPanels takes its size and its clearance of the panels from
  // it as it opens (AtlasMap.popupOptions).
  var popupOnAdd = L.Popup.prototype.onAdd;
  L.Popup.include({
    onAdd: function (map) {
      if (this.options.fitPanels) { L.extend(this.options, this.options.fitPanels()); }
      return popupOnAdd.call(this, map);
    }
  });

  // Leaflet (1.9) gives every path with a tooltip focus and blur listeners, for keyboard users;
  // a path is not focusable (no tabindex), so they can never fire: a thousand listeners the
  // first view need not add. Markers (focusable icons) keep them.
  var focusListeners = L.Layer.prototype._addFocusListenersOnLayer;
  L.Layer.include({
    _addFocusListenersOnLayer: function (layer) {
      if (!(layer instanceof L.Path) && focusListeners) { focusListeners.call(this, layer); }
    }
  });

  // Leaflet's per-vertex work, the bulk of drawing the first view, done with the same
  // arithmetic and fewer calls:
  // - projection: Map.latLngToLayerPoint (project, round, subtract the pixel origin) inlined
  //   for Web Mercator, the map's CRS;
  // - clipping: a path wholly inside the renderer's bounds is its own clip (Leaflet clipped every
  //   ring, point by point, to return the same points).
  var projectLatlngs = L.Polyline.prototype._projectLatlngs;
  var clipLine = L.Polyline.prototype._clipPoints, clipPolygon = L.Polygon.prototype._clipPoints;
  // Leaflet's own methods, for the test that compares every drawn path with theirs.
  var LEAFLET_STOCK = { polyline: { _projectLatlngs: projectLatlngs, _clipPoints: clipLine }, polygon: { _clipPoints: clipPolygon } };
  function within(layer, pad) {
    var b = layer._renderer._bounds, px = layer._pxBounds;
    return px && b.min.x - pad <= px.min.x && b.min.y - pad <= px.min.y && px.max.x <= b.max.x + pad && px.max.y <= b.max.y + pad;
  }
  L.Polyline.include({
    _projectLatlngs: function (latlngs, result, projectedBounds) {
      var map = this._map, crs = map.options.crs;
      if (crs !== L.CRS.EPSG3857 || !latlngs.length || !(latlngs[0] instanceof L.LatLng)) {
        return projectLatlngs.call(this, latlngs, result, projectedBounds);
      }
      var proj = crs.projection, t = crs.transformation, scale = crs.scale(map._zoom), origin = map.getPixelOrigin();
      var d = Math.PI / 180, max = proj.MAX_LATITUDE, R = proj.R;
      var ring = new Array(latlngs.length), minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (var i = 0; i < latlngs.length; i++) {
        var ll = latlngs[i], lat = Math.max(Math.min(max, ll.lat), -max), sin = Math.sin(lat * d);
        var x = scale * (t._a * (R * ll.lng * d) + t._b), y = scale * (t._c * (R * Math.log((1 + sin) / (1 - sin)) / 2) + t._d);
        x = Math.round(x) - origin.x;
        y = Math.round(y) - origin.y;
        ring[i] = new L.Point(x, y);
        if (x < minX) { minX = x; }
        if (x > maxX) { maxX = x; }
        if (y < minY) { minY = y; }
        if (y > maxY) { maxY = y; }
      }
      projectedBounds.extend(new L.Point(minX, minY));
      projectedBounds.extend(new L.Point(maxX, maxY));
      result.push(ring);
    },
    _clipPoints: function () {
      if (this.options.noClip || !within(this, 0)) { return clipLine.call(this); }
      this._parts = this._rings.filter(function (ring) { return ring.length > 1; });
    }
  });
  L.Polygon.include({
    _clipPoints: function () {
      if (this.options.noClip || !within(this, this.options.weight)) { return clipPolygon.call(this); }
      this._parts = this._rings.filter(function (ring) { return ring.length > 0; });
    }
  });

  // ---- the URL holds the view: #map=zoom/lat/lon&layers=…&status=…&plan=…&sel=… ----
  var STATE_KEYS = ["map", "layers", "status", "province", "cross", "year", "facility", "plan", "sel", "lang"];

  function parseHash(hash) {
    var params = new URLSearchParams((hash || "").replace(/^#/, ""));
    var st = { present: false };
    var m = /^(\d{1,2}(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get("map") || "");
    if (m) { st.view = { zoom: parseFloat(m[1]), lat: parseFloat(m[2]), lng: parseFloat(m[3]) }; }
    if (params.has("layers")) { st.layers = params.get("layers") ? params.get("layers").split(",") : []; }
    st.status = params.get("status") || "";
    st.province = params.get("province") || "";
    st.cross = params.get("cross") === "1";
    st.year = /^\d{4}$/.test(params.get("year") || "") ? parseInt(params.get("year"), 10) : null;
    st.facility = params.get("facility") || "";
    st.plan = params.get("plan") || "";
    st.sel = params.get("sel") || "";
    st.lang = params.get("lang") || "";
    st.focus = params.get("focus") || "";
    st.present = STATE_KEYS.some(function (k) { return params.has(k); });
    return st;
  }

  function hashOf(st) {
    var parts = [];
    function put(k, v) { parts.push(k + "=" + encodeURIComponent(v).replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/")); }
    put("map", st.view.zoom + "/" + st.view.lat.toFixed(4) + "/" + st.view.lng.toFixed(4));
    put("layers", st.layers.join(","));
    if (st.status) { put("status", st.status); }
    if (st.province) { put("province", st.province); }
    if (st.cross) { put("cross", "1"); }
    if (st.year) { put("year", String(st.year)); }
    if (st.facility) { put("facility", st.facility); }
    if (st.plan) { put("plan", st.plan); }
    if (st.sel) { put("sel", st.sel); }
    if (st.lang && st.lang !== "both") { put("lang", st.lang); }
    return "#" + parts.join("&");
  }

  // ---- name labels: places by rank and zoom, rivers along their lines, plan elements, the
  // directions of lines leaving the frame; placed greedily without overlaps ----

  function Labeller(atlas) {
    this.atlas = atlas;
    this.map = atlas.map;
    this.pane = atlas.map.getPane("atlasLabels");
    this.places = [];
    this.cache = {};
    this.placed = [];
    this.measurer = el("div", { class: "atlas-label-measurer", "aria-hidden": "true" });
    this.pane.appendChild(this.measurer);
    this.layer = el("div", { class: "atlas-label-layer" });
    this.pane.appendChild(this.layer);
    var self = this;
    this.map.on("zoomstart", function () { self.pane.classList.add("atlas-labels-moving"); });
    this.map.on("moveend resize", function () { self.update(); });
  }

  Labeller.prototype.update = function () {
    var self = this;
    if (this.pending || this.hold) { return; }  // held while the first view loads: one pass once it is in
    this.pending = true;
    window.requestAnimationFrame(function () { self.pending = false; self.run(); });
  };

  // One label's element: a line per text line; measured once per class and text.
  Labeller.prototype.build = function (cand) {
    var node = el("div", { class: "atlas-label " + cand.cls });
    cand.lines.forEach(function (t, i) { node.appendChild(el("span", { class: "atlas-label-line" + (i ? " atlas-label-sub" : ""), text: t })); });
    if (cand.colour) { node.style.color = cand.colour; }
    return node;
  };

  Labeller.prototype.measure = function (cand) {
    var key = cand.cls + "|" + cand.lines.join("\n");
    if (!this.cache[key]) { this.measureAll([cand]); }
    return this.cache[key];
  };

  // Labels not measured yet, all at once: one layout of the page instead of one per label.
  Labeller.prototype.measureAll = function (cands) {
    var self = this, fresh = {}, nodes = [];
    cands.forEach(function (cand) {
      var key = cand.cls + "|" + cand.lines.join("\n");
      if (self.cache[key] || fresh[key]) { return; }
      fresh[key] = true;
      var node = self.build(cand);
      nodes.push({ key: key, node: node });
      self.measurer.appendChild(node);
    });
    nodes.forEach(function (n) { self.cache[n.key] = { w: n.node.offsetWidth, h: n.node.offsetHeight }; });
    nodes.forEach(function (n) { self.measurer.removeChild(n.node); });
  };

  // The rectangles labels must stay clear of: the page's panels and the map's controls.
  Labeller.prototype.obstacles = function () {
    var origin = this.map.getContainer().getBoundingClientRect(), out = [];
    document.querySelectorAll("#atlas-title, #atlas-legend, #atlas-plan-legend, #atlas-minimap, .leaflet-control-zoom, .leaflet-control-scale, .leaflet-control-attribution").forEach(function (node) {
      if (node.hidden || !node.offsetParent) { return; }
      var r = node.getBoundingClientRect();
      if (r.width && r.height) { out.push({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height }); }
    });
    return out;
  };

  // The boxes of the point symbols on the map (projects, platform sites, plan nodes).
  Labeller.prototype.symbols = function (size) {
    var map = this.map, atlas = this.atlas, out = [];
    function add(latlng, r) {
      var p = map.latLngToContainerPoint(latlng);
      if (p.x > -r && p.y > -r && p.x < size.x + r && p.y < size.y + r) { out.push({ x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r }); }
    }
    Object.keys(atlas.groups).forEach(function (id) {
      var g = atlas.groups[id];
      if (!map.hasLayer(g) || id === "counties") { return; }
      g.eachLayer(function walk(l) {
        if (l instanceof L.CircleMarker) { add(l.getLatLng(), l.getRadius() + 2); }
        else if (l.eachLayer) { l.eachLayer(walk); }
      });
    });
    return out;
  };

  function overlaps(a, b, gap) {
    return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
  }

  Labeller.prototype.candidates = function () {
    var atlas = this.atlas, map = this.map, zoom = map.getZoom(), mode = uiLang(), out = [];
    var maxRank = zoom >= 10 ? 3 : zoom >= 8 ? 2 : 1;
    // Plan elements first: the figure's own names.
    (atlas.planLabels || []).forEach(function (p) {
      out.push({ key: "plan:" + p.id, priority: 0, cls: "atlas-layout-label atlas-label-plan atlas-label-" + p.type, lines: p.lines, latlngs: p.latlngs, offset: p.symbol ? 10 : 0, centred: !p.symbol });
    });
    // Under a plan's figure, place names step down a rank.
    if (atlas.plan) { maxRank = zoom < 6.5 ? 0 : Math.max(1, maxRank - 1); }
    // Where a line leaves the frame, the direction it continues in.
    (atlas.exitLabels ? atlas.exitLabels() : []).forEach(function (x) {
      out.push({ key: "exit:" + x.id, priority: 1, cls: "atlas-label-exit", lines: [x.text], latlng: x.latlng, offset: 4, colour: x.colour });
    });
    var riversOn = atlas.groups.rivers && map.hasLayer(atlas.groups.rivers);
    this.places.forEach(function (p) {
      if (p.rank > maxRank) { return; }
      var lines = [p.name_zh];
      if (mode === "en" && p.name_en) { lines = [p.name_zh, p.name_en]; }
      out.push({ key: "place:" + p.id, priority: p.rank === 1 ? 2 : p.rank === 2 ? 4 : 5, cls: "atlas-label-place atlas-label-r" + p.rank, lines: lines, latlng: L.latLng(p.lat, p.lon), offset: p.rank === 1 ? 4 : 3, dot: "atlas-label-dot atlas-label-dot-r" + p.rank });
    });
    if (riversOn) {
      (atlas.riverFeatures || []).forEach(function (f) {
        if (!f.geometry) { return; }
        var name = mode === "en" && f.properties.name_en ? f.properties.name_zh + " " + f.properties.name_en : f.properties.name_zh;
        out.push({ key: "river:" + f.id, priority: 3, cls: "atlas-label-river", lines: [name], river: f.geometry });
      });
    }
    out.sort(function (a, b) { return a.priority - b.priority; });
    return out;
  };

  // Where along a river a label fits: the middle of the longest run of the line inside the view,
  // then a third of the way either side; the angle follows the line over the label's length.
  Labeller.prototype.riverSpots = function (geometry, w, h, view) {
    var map = this.map, runs = [];
    var lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.type === "MultiLineString" ? geometry.coordinates : [];
    lines.forEach(function (coords) {
      var run = [];
      coords.forEach(function (c) {
        var p = map.latLngToContainerPoint([c[1], c[0]]);
        if (p.x > view.x + 10 && p.x < view.x + view.w - 10 && p.y > view.y + 10 && p.y < view.y + view.h - 10) { run.push(p); }
        else if (run.length) { runs.push(run); run = []; }
      });
      if (run.length) { runs.push(run); }
    });
    var best = null, bestLen = 0;
    runs.forEach(function (run) {
      var len = 0;
      for (var i = 1; i < run.length; i++) { len += run[i].distanceTo(run[i - 1]); }
      if (len > bestLen) { bestLen = len; best = run; }
    });
    if (!best || bestLen < w + 30) { return []; }
    var cum = [0];
    for (var i = 1; i < best.length; i++) { cum.push(cum[i - 1] + best[i].distanceTo(best[i - 1])); }
    function at(s) {
      s = Math.max(0, Math.min(bestLen, s));
      var k = 1;
      while (k < cum.length - 1 && cum[k] < s) { k++; }
      var seg = cum[k] - cum[k - 1] || 1, t = (s - cum[k - 1]) / seg;
      return L.point(best[k - 1].x + (best[k].x - best[k - 1].x) * t, best[k - 1].y + (best[k].y - best[k - 1].y) * t);
    }
    var spots = [];
    [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].forEach(function (f) {
      var s = bestLen * f;
      if (s - w / 2 < 0 || s + w / 2 > bestLen) { return; }
      var a = at(s - w / 2), b = at(s + w / 2), c = at(s);
      var angle = Math.atan2(b.y - a.y, b.x - a.x);
      if (angle > Math.PI / 2) { angle -= Math.PI; } else if (angle < -Math.PI / 2) { angle += Math.PI; }
      var cos = Math.abs(Math.cos(angle)), sin = Math.abs(Math.sin(angle));
      var bw = w * cos + h * sin, bh = w * sin + h * cos;
      // Sit just beside the line (above, else below), not on it.
      var nx = Math.sin(angle) * (h / 2 + 2), ny = -Math.cos(angle) * (h / 2 + 2);
      [1, -1].forEach(function (side) {
        var cx = c.x + side * nx, cy = c.y + side * ny;
        spots.push({ box: { x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh }, centre: L.point(cx, cy), angle: angle });
      });
    });
    return spots;
  };

  Labeller.prototype.run = function () {
    var map = this.map;
    if (!map._loaded) { return; }
    var size = map.getSize(), view = { x: 0, y: 0, w: size.x, h: size.y };
    var taken = this.obstacles(), placed = [], self = this, symbols = this.symbols(size);
    function inside(b) { return b.x >= 2 && b.y >= 2 && b.x + b.w <= size.x - 2 && b.y + b.h <= size.y - 2; }
    // Text keeps clear of the project symbols too; a place's dot may sit on one.
    function free(b, isText) {
      if (!inside(b)) { return false; }
      for (var i = 0; i < taken.length; i++) { if (overlaps(b, taken[i], 2)) { return false; } }
      if (isText) { for (var j = 0; j < symbols.length; j++) { if (overlaps(b, symbols[j], 0)) { return false; } } }
      return true;
    }
    var cands = this.candidates();
    this.measureAll(cands);
    cands.forEach(function (cand) {
      var m = self.measure(cand), w = m.w, h = m.h;
      if (cand.river) {
        var spot = self.riverSpots(cand.river, w, h, view).filter(function (s) { return free(s.box, true); })[0];
        if (spot) { taken.push(spot.box); placed.push({ cand: cand, box: spot.box, w: w, h: h, centre: spot.centre, angle: spot.angle }); }
        return;
      }
      var anchors = cand.latlngs || [cand.latlng];
      for (var a = 0; a < anchors.length; a++) {
        var p = map.latLngToContainerPoint(anchors[a]);
        if (p.x < -w || p.y < -h || p.x > size.x + w || p.y > size.y + h) { continue; }
        var o = cand.offset || 0, boxes;
        if (cand.centred) {
          boxes = [{ x: p.x - w / 2, y: p.y - h / 2 }, { x: p.x - w / 2, y: p.y - h - 3 }, { x: p.x - w / 2, y: p.y + 3 }];
        } else {
          // Beside the point, then a step further out (past a symbol sitting on it).
          boxes = [];
          [o, o + 10].forEach(function (d) {
            boxes.push({ x: p.x + d + 2, y: p.y - h / 2 }, { x: p.x - d - 2 - w, y: p.y - h / 2 }, { x: p.x - w / 2, y: p.y - d - h }, { x: p.x - w / 2, y: p.y + d });
          });
        }
        var dot = cand.dot ? { x: p.x - 3, y: p.y - 3, w: 6, h: 6 } : null;
        if (dot && !free(dot)) { continue; }
        for (var i = 0; i < boxes.length; i++) {
          var b = { x: boxes[i].x, y: boxes[i].y, w: w, h: h };
          if (free(b, true)) {
            taken.push(b);
            if (dot) { taken.push(dot); }
            placed.push({ cand: cand, box: b, w: w, h: h, dot: dot ? p : null });
            return;
          }
        }
      }
    });
    this.render(placed);
  };

  Labeller.prototype.render = function (placed) {
    var map = this.map, layer = this.layer;
    layer.textContent = "";
    var kept = [], rects = [], built = [];
    placed.forEach(function (item) {
      var cand = item.cand, node = this.build(cand), anchor = node;
      if (item.angle !== undefined) {
        anchor = el("div", { class: "atlas-label-anchor" }, [node]);
        L.DomUtil.setPosition(anchor, map.containerPointToLayerPoint(item.centre).round());
        node.style.transform = "translate(-50%, -50%) rotate(" + (item.angle * 180 / Math.PI).toFixed(1) + "deg)";
      } else {
        L.DomUtil.setPosition(node, map.containerPointToLayerPoint(L.point(item.box.x, item.box.y)).round());
      }
      var dot = null;
      if (item.dot) {
        dot = el("div", { class: cand.dot });
        L.DomUtil.setPosition(dot, map.containerPointToLayerPoint(item.dot).round());
        layer.appendChild(dot);
      }
      layer.appendChild(anchor);
      built.push({ item: item, node: node, anchor: anchor, dot: dot });
    }, this);
    // The rendered box decides: a label that still touches an earlier one goes. Every label is
    // placed absolutely, so the boxes are read in one layout, all at once.
    built.forEach(function (b) { b.rect = b.node.getBoundingClientRect(); });
    built.forEach(function (b) {
      var r = b.rect;
      if (rects.some(function (q) { return r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom; })) {
        layer.removeChild(b.anchor);
        if (b.dot) { layer.removeChild(b.dot); }
        return;
      }
      rects.push(r);
      b.item.node = b.node;
      b.item.dotNode = b.dot;
      kept.push(b.item);
    });
    this.placed = kept;
    this.pane.classList.remove("atlas-labels-moving");
    document.body.setAttribute("data-labels", String(kept.length));
    document.body.setAttribute("data-labels-zoom", String(map.getZoom()));
  };

  // ---- the map ----

  var AtlasMap = {
    colours: {},
    init: function (config) {
      var map = window[config.map];
      var groups = {};
      Object.keys(config.groups).forEach(function (id) { groups[id] = window[config.groups[id]]; });
      this.map = map;
      // Views fit to a quarter zoom level, so a plan's area fills the frame.
      map.options.zoomSnap = 0.25;
      this.config = config;
      if (config.levels && config.levels.length) { LEVELS = config.levels; }
      this.groups = groups;
      this.featureLayers = {};
      var status = document.getElementById("atlas-status");
      var self = this;
      this.styles = {};
      this.layerInfo = {};
      this.renderers = {};
      Object.keys(PANES).forEach(function (name) {
        var pane = map.getPane(name) || map.createPane(name);
        pane.style.zIndex = String(PANES[name]);
        if (name !== "atlasLabels") { self.renderers[name] = L.svg({ pane: name }).addTo(map); }
      });
      this.renderers.overlayPane = L.svg({ pane: "overlayPane" }).addTo(map);
      (config.statuses || []).forEach(function (st) {
        STATUS_LABEL[st.key] = st.label_zh + " " + st.label_en;
        if (st.early) { EARLY[st.key] = true; }
      });
      // The view in the URL, if any, before anything is fetched at a zoom.
      this.initialState = parseHash(window.location.hash);
      if (this.initialState.view) {
        var v = this.initialState.view;
        map.setView([v.lat, v.lng], v.zoom, { animate: false });
      }
      // Layers in draw order (bottom first), as the specs' presentation says.
      var order = (config.layers || []).filter(function (l) { return groups[l.id]; }).map(function (l) {
        self.styles[l.id] = l.style;
        self.layerInfo[l.id] = { colour: l.colour, label: l.label_zh + " " + l.label_en, label_zh: l.label_zh, label_en: l.label_en, style: l.style, sources: l.sources || [], in_control: l.in_control };
        if (l.zoomed) { ZOOMED[l.id] = true; }
        if (l.refetch) { BASE.push(l.id); }
        if (l.group === "projects") { MODES[l.id] = { colour: l.colour, label: l.label_zh + " " + l.label_en, point: l.style === "point" }; }
        return l.id;
      });
      this.projects = {};
      this.level = detailLevel(map.getZoom());
      this.labels = new Labeller(this);
      this.labels.hold = true;
      // First the layers shown at start (preloaded; those the URL shows too) and the place
      // names: once drawn, the first view is ready (the "atlas-ready" mark, window.atlasReady,
      // body[data-atlas-view=ready], or "partial" if one failed). Then the overview map and the
      // hidden layers, when the page is idle; once everything is in, the legend and the URL state
      // (body[data-atlas-ready]).
      var shown = this.initialState.layers, preloaded = (config.preload || {}).layers || {};
      var first = order.filter(function (id) { return preloaded[id] || (shown && shown.indexOf(id) >= 0); });
      var later = order.filter(function (id) { return first.indexOf(id) < 0; });
      var pending = order.length + 1, waiting = first.length + 1, failed = [];
      function done() {
        pending -= 1;
        if (pending > 0) { return; }
        self.finish();
        if (self.applyLanguage) { self.applyLanguage(); }
        status.textContent = failed.length ? "未能加载 Could not load: " + failed.join(", ") : "";
        status.hidden = !failed.length;
        self.startHistory();
        document.body.setAttribute("data-atlas-ready", failed.length ? "partial" : "yes");
      }
      function load(id) {
        getJSON(layerUrl(config, id, self.level), id).then(function (fc) {
          self.draw(id, fc);
        }).catch(function (err) {
          failed.push(id);
          if (window.console) { console.error(err); }
        }).then(function () {
          if (first.indexOf(id) >= 0) { firstDone(); }
          done();
        });
      }
      function firstDone() {
        waiting -= 1;
        if (waiting > 0) { return; }
        self.labels.hold = false;
        self.labels.update();
        // After the labeller's pass this frame (it asked for the frame first).
        window.requestAnimationFrame(function () {
          window.atlasReady = performance.now();
          if (performance.mark) { performance.mark("atlas-ready"); }
          document.body.setAttribute("data-atlas-view", failed.length ? "partial" : "ready");
        });
        var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 1); };
        idle(function () { self.minimap(); later.forEach(load); }, { timeout: 300 });
      }
      first.forEach(load);
      this.loadPlaces().then(firstDone, firstDone).then(done);
      // A preload the view does not use (the URL asked for another zoom) is taken all the same,
      // so the browser does not report it unused.
      Object.keys(preloaded).forEach(function (id) {
        if (layerUrl(config, id, self.level) !== preloaded[id]) { fetch(preloaded[id]).then(function (r) { return r.body && r.body.cancel(); }, function () {}); }
      });
      this.hover();
      this.controls();
      map.on("zoomend", function () { self.refreshBase(); });
    },

    // Place names: the gazetteer's points with their label_rank (1 prefecture cities and
    // Chongqing's districts/counties, 2 Sichuan's counties, 3 towns and sites); where the
    // gazetteer has no ranks yet, the label points of the administrative units.
    loadPlaces: function () {
      var self = this, api = this.config.api, have = this.config.labels || {};
      var preloaded = (this.config.preload || {}).labels || {};
      function get(id) { return getJSON(preloaded[id] || api + "/layers/" + encodeURIComponent(id), id); }
      function unitPoints(fc, rankOf) {
        return fc.features.filter(function (f) { return f.properties.label_lat !== undefined && f.properties.label_lat !== null; }).map(function (f) {
          var p = f.properties;
          return { id: f.id, name_zh: p.name_zh, name_en: p.name_en, lat: p.label_lat, lon: p.label_lon, rank: rankOf(p) };
        });
      }
      function fallback() {
        var jobs = [];
        if (have.cities) { jobs.push(get("cities").then(function (fc) { return unitPoints(fc, function () { return 1; }); })); }
        if (have.counties) {
          // Chongqing has no prefecture level: its districts and counties rank with the cities.
          jobs.push(get("counties").then(function (fc) { return unitPoints(fc, function (p) { return String(p.adcode || "").slice(0, 2) === "50" ? 1 : 2; }); }));
        }
        return Promise.all(jobs).then(function (lists) { return [].concat.apply([], lists); });
      }
      var source = have.places ? get("places").then(function (fc) {
        var ranked = fc.features.filter(function (f) { return f.geometry && f.properties.label_rank; });
        if (!ranked.length) { return fallback(); }
        self.labelSource = "places";
        return ranked.map(function (f) {
          var p = f.properties, c = f.geometry.type === "Point" ? f.geometry.coordinates : labelPoint(f.geometry);
          return { id: f.id, name_zh: p.name_zh, name_en: p.name_en, lat: c[1], lon: c[0], rank: p.label_rank };
        });
      }) : fallback();
      return source.then(function (places) {
        self.labelSource = self.labelSource || "units";
        // Within a rank, cities before counties and larger units first keeps the big names.
        self.labels.places = places.filter(function (p) { return p.rank >= 1 && p.rank <= 3; });
        document.body.setAttribute("data-label-source", self.labelSource);
        self.labels.update();
      }).catch(function (err) { if (window.console) { console.error(err); } });
    },

    // What a feature's popup shows: ``build`` of its whole properties. A feature fetched at a
    // zoom has its display properties only: its popup names it while the rest is fetched, then
    // shows the whole (``build`` is called again when the popup is next drawn).
    popupContent: function (f, layer, build) {
      var api = this.config.api;
      return function () {
        if (!f.summary) { return build(f.properties); }
        if (f.details) { return build(f.details); }
        // The feature's id as the whole popup has it: the URL's selection reads it on opening.
        var holder = el("div", { class: "atlas-popup-loading", "data-feature-id": f.id, "aria-busy": "true" }, [
          el("h3", { text: f.properties.name_zh }), el("p", { class: "atlas-en", text: f.properties.name_en }),
          el("p", { class: "atlas-loading", text: "载入中… Loading…" })]);
        var opening = layer.getPopup(), panned = opening ? opening.options.autoPan : true;
        wholeFeature(api, f.id).then(function (whole) {
          f.details = whole.properties;
          var popup = layer.getPopup();
          if (!popup || !popup.isOpen()) { return; }
          // Grown to the whole feature, it pans into view as it would have on opening: a view
          // restored from a link (opened without panning) stays where the link put it.
          var pan = popup.options.autoPan;
          popup.options.autoPan = panned;
          popup.update();
          popup.options.autoPan = pan;
        }, function (err) {
          holder.removeAttribute("aria-busy");
          holder.lastChild.textContent = "未能加载 Could not load: " + err.message;
        });
        return holder;
      };
    },

    paneOptions: function (pane) {
      return { pane: pane, renderer: this.renderers[pane] };
    },

    // Popups keep clear of the side panel and the plan legend, measured when a popup opens (see
    // the L.Popup hook above): the map binds a popup to every feature it draws, and measuring
    // the panels then laid the page out again for every layer of the first view.
    popupOptions: function (extra) {
      var self = this;
      return L.extend({ fitPanels: function () { return L.extend(self.popupFit(), extra || {}); } }, extra || {});
    },

    popupFit: function () {
      var pad = this.viewPadding();
      return { maxWidth: Math.min(440, window.innerWidth - 40), maxHeight: Math.max(220, Math.min(420, window.innerHeight - 160)),
        autoPanPaddingTopLeft: L.point(pad.left + 10, pad.top + 10), autoPanPaddingBottomRight: L.point(pad.right + 10, pad.bottom + 10) };
    },

    // How much of the map the panels cover on each side (pixels), for fitting views.
    viewPadding: function () {
      var origin = this.map.getContainer().getBoundingClientRect(), W = origin.width, H = origin.height;
      var pad = { left: 10, top: 10, right: 10, bottom: 10 };
      var narrow = W < 700;
      document.querySelectorAll("#atlas-side, #atlas-plan-legend").forEach(function (node) {
        if (node.hidden || !node.offsetParent) { return; }
        var r = node.id === "atlas-side" ? unionRect(node.children) : node.getBoundingClientRect();
        if (!r || !r.width) { return; }
        if (narrow) {
          if (r.top - origin.top < H / 2) { pad.top = Math.max(pad.top, r.bottom - origin.top + 8); }
          else { pad.bottom = Math.max(pad.bottom, origin.bottom - r.top + 8); }
        } else if (r.left - origin.left < W / 2) { pad.left = Math.max(pad.left, r.right - origin.left + 8); }
        else { pad.right = Math.max(pad.right, origin.right - r.left + 8); }
      });
      return pad;
    },

    refreshBase: function () {
      var level = detailLevel(this.map.getZoom()), self = this;
      if (level === this.level) { return; }
      this.level = level;
      BASE.filter(function (id) { return self.groups[id]; }).forEach(function (id) {
        getJSON(layerUrl(self.config, id, level), id).then(function (fc) {
          if (self.level !== level) { return; }  // the user zoomed on meanwhile
          self.groups[id].clearLayers();
          self.draw(id, fc);
          document.body.setAttribute("data-base-level", String(level));
          if (id === "rivers") { self.labels.update(); }
        }).catch(function (err) { if (window.console) { console.error(err); } });
      });
    },

    // A diagonal hatch in a colour, defined once in the SVG of the pane that uses it, for
    // indicative extents (only part of the units belongs) and the plans' belts.
    hatch: function (pane, colour, opacity) {
      var renderer = this.renderers[pane], svg = renderer && renderer._container;
      if (!svg) { return colour; }
      var id = "atlas-hatch-" + pane + "-" + colour.replace(/[^0-9a-z]/gi, "") + "-" + String(opacity || 0.55).replace(".", "");
      if (!svg.querySelector("#" + id)) {
        var defs = svg.querySelector("defs");
        if (!defs) { defs = svgEl("defs"); svg.insertBefore(defs, svg.firstChild); }
        var pattern = svgEl("pattern", { id: id, patternUnits: "userSpaceOnUse", width: "7", height: "7", patternTransform: "rotate(45)" });
        pattern.appendChild(svgEl("line", { x1: "0", y1: "0", x2: "0", y2: "7", stroke: colour, "stroke-width": "2.2", "stroke-opacity": String(opacity || 0.55) }));
        defs.appendChild(pattern);
      }
      return "url(#" + id + ")";
    },

    register: function (f, layer) {
      if (f && f.id) { this.featureLayers[f.id] = layer; }
    },

    draw: function (id, fc) {
      var group = this.groups[id], self = this;
      var style = this.styles[id];
      var pane = PANE_OF_STYLE[style] || "overlayPane", opts = this.paneOptions(pane);
      var located = { type: "FeatureCollection", features: fc.features.filter(function (f) { return f.geometry; }) };
      if (style === "outline") {
        L.geoJSON(fc, L.extend({ interactive: false, style: { color: "#4d4d4d", weight: 2.2, fill: false } }, opts)).addTo(group);
        this.provinces = this.provinces || fc;  // the overview map draws them, once the first view is in
      } else if (style === "region") {
        this.counties = fc.features;
        L.geoJSON(fc, L.extend({
          style: function (f) {
            var c = f.properties.in_economic_circle;
            return { color: "#9a9a9a", weight: 0.6, fillColor: c === "no" ? "#ececec" : "#fbfaf6", fillOpacity: 1 };
          },
          onEachFeature: function (f, layer) {
            self.register(f, layer);
            layer.bindTooltip(f.properties.name_zh + " " + f.properties.name_en, { sticky: true, className: "atlas-tip" });
            layer.bindPopup(function () { return regionPopup(f.properties); }, self.popupOptions());
          }
        }, opts)).addTo(group);
      } else if (style === "river") {
        this.riverFeatures = located.features;
        L.geoJSON(located, L.extend({
          style: { color: "#4a90c8", weight: 2, opacity: 0.85 },
          onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name_zh + " " + f.properties.name_en, { sticky: true, className: "atlas-tip" }); }
        }, opts)).addTo(group);
        this.labels.update();
      } else if (style === "scope") {
        L.geoJSON(fc, L.extend({
          style: function (f) {
            var partial = f.properties.kind === "partial";
            if (f.properties.geometry_quality === "indicative") {
              return { color: "#8c510a", weight: 1.5, dashArray: "6 5", fill: true, fillColor: self.hatch(pane, "#8c510a", 0.35), fillOpacity: 1 };
            }
            return { color: "#8c510a", weight: partial ? 1.5 : 2.5, dashArray: partial ? "6 5" : null, fill: true, fillColor: "#8c510a", fillOpacity: partial ? 0.06 : 0.03 };
          },
          onEachFeature: function (f, layer) {
            self.register(f, layer);
            layer.bindPopup(self.popupContent(f, layer, circlePopup), self.popupOptions({ maxWidth: 380 }));
          }
        }, opts)).addTo(group);
      } else if (style === "layout") {
        this.layout = fc.features;
      } else if (style === "network") {  // the existing trunk network: a quiet base under the works
        var info = this.layerInfo[id];
        L.geoJSON(located, L.extend({
          style: { color: info.colour, weight: 1.8, opacity: 0.55 },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, L.extend({ radius: 3.5, color: "#fff", weight: 1, fillColor: info.colour, fillOpacity: 0.8 }, opts)); },
          onEachFeature: function (f, layer) {
            self.register(f, layer);
            layer.bindTooltip(f.properties.name_zh + "（既有 existing）", { sticky: true, className: "atlas-tip" });
            layer.bindPopup(self.popupContent(f, layer, function (p) { return projectPopup(p, id); }), self.popupOptions());
          }
        }, opts)).addTo(group);
        document.body.setAttribute("data-" + id + "-drawn", String(located.features.length));
      } else if (MODES[id]) {  // style "line" or "point"
        this.drawProjects(id, fc);
      } else if (style === "area") {
        this.drawAreas(id, located);
      } else if (style === "zone") {
        // Largest first, so smaller zones sit on top and stay clickable.
        var feats = fc.features.slice().sort(function (a, b) { return (b.properties.area_km2 || 0) - (a.properties.area_km2 || 0); });
        feats.forEach(function (f, i) { self.colours[f.id] = PALETTE[i % PALETTE.length]; });
        this.zoneLayers = {};
        function zoneStyle(f, hover) {
          var q = f.properties.geometry_quality, c = self.colours[f.id];
          if (q === "indicative") {
            return { color: c, weight: hover ? 4 : 2, dashArray: "4 4", fillColor: self.hatch(pane, c), fillOpacity: hover ? 1 : 0.9 };
          }
          var approx = q === "approximate";
          return { color: c, weight: hover ? 4 : 2, dashArray: approx ? "5 4" : null, fillColor: c, fillOpacity: hover ? 0.35 : approx ? 0.12 : 0.22 };
        }
        L.geoJSON({ type: "FeatureCollection", features: feats }, L.extend({
          style: function (f) { return zoneStyle(f, false); },
          onEachFeature: function (f, layer) {
            self.zoneLayers[f.id] = layer;
            self.register(f, layer);
            layer.bindPopup(self.popupContent(f, layer, zonePopup), self.popupOptions());
            layer.bindTooltip(f.properties.name_zh, { sticky: true, className: "atlas-tip" });
            layer.on("mouseover", function () { layer.setStyle(zoneStyle(f, true)); });
            layer.on("mouseout", function () { layer.setStyle(zoneStyle(f, false)); });
          }
        }, opts)).addTo(group);
        this.zones = feats;
        document.body.setAttribute("data-zones-drawn", String(feats.length));
      }
    },

    // Areas with a light fill in the layer's colour, sites as small squares (the platforms).
    drawAreas: function (id, fc) {
      var colour = this.layerInfo[id].colour || "#666", self = this, pane = "overlayPane", opts = this.paneOptions(pane);
      L.geoJSON(fc, L.extend({
        style: function (f) {
          if (f.properties.geometry_quality === "indicative") {
            return { color: colour, weight: 1.5, dashArray: "4 4", fillColor: self.hatch(pane, colour, 0.45), fillOpacity: 1 };
          }
          return { color: colour, weight: 1.5, dashArray: f.properties.geometry_quality === "approximate" ? "5 4" : null, fillColor: colour, fillOpacity: 0.15 };
        },
        pointToLayer: function (f, latlng) {
          return new SymbolMarker(latlng, L.extend({ shape: "square", radius: 4.5, color: "#fff", weight: 1.2, fillColor: colour, fillOpacity: 0.95 }, opts));
        },
        onEachFeature: function (f, layer) {
          self.register(f, layer);
          layer.bindPopup(self.popupContent(f, layer, platformPopup), self.popupOptions());
          layer.bindTooltip(f.properties.name_zh, { sticky: true, className: "atlas-tip" });
        }
      }, opts)).addTo(this.groups[id]);
      document.body.setAttribute("data-" + id + "-drawn", String(fc.features.length));
    },

    filters: { status: "", province: "", crossBorder: false, year: null, facility: "" },

    // The filters are the server's one query model: the map asks /api/layers/{id} with the same
    // parameters any client would use (status, province, cross_border, year, facility_status),
    // so the map, /api and /ogc always select the same features.
    filterQuery: function () {
      var f = this.filters, params = [];
      if (f.status) { params.push("status=" + encodeURIComponent(f.status)); }
      if (f.province) { params.push("province=" + encodeURIComponent(f.province)); }
      if (f.crossBorder) { params.push("cross_border=true"); }
      if (f.year) { params.push("year=" + f.year); }
      if (f.facility) { params.push("facility_status=" + encodeURIComponent(f.facility)); }
      return params.join("&");
    },

    applyFilters: function () {
      var self = this, query = this.filterQuery(), modes = Object.keys(MODES).filter(function (m) { return self.projects[m]; });
      var pending = modes.length, shown = 0, generation = (this.filterGeneration || 0) + 1;
      this.filterGeneration = generation;
      document.body.setAttribute("data-filter-pending", "yes");
      if (!pending) { document.body.setAttribute("data-filter-pending", ""); return; }
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
            self.labels.update();
          }
        });
      });
    },

    // Facility and works apart: an existing facility is a solid symbol (a thin solid line), works
    // on it add a ring (a halo), dashed while planned, studied or in preparation; a new facility
    // is drawn by the stage of its works: solid when under construction or built, hollow or
    // dashed before.
    drawProjects: function (mode, fc, filtered) {
      var colour = MODES[mode].colour, self = this, opts = this.paneOptions("overlayPane");
      var located = fc.features.filter(function (f) { return f.geometry; });
      if (!filtered) { this.projects[mode] = fc.features; }  // every feature, for the zones' popups
      this.projectLayers = this.projectLayers || {};
      this.drawnProjects = this.drawnProjects || {};
      this.drawnProjects[mode] = located;
      var group = this.groups[mode];
      function existing(f) { return f.properties.facility_status === "existing"; }
      function works(f) { return f.properties.works_status || null; }
      // Halos under existing lines with works on them.
      var halos = located.filter(function (f) { return existing(f) && works(f) && !/Point/.test(f.geometry.type); });
      if (halos.length) {
        L.geoJSON({ type: "FeatureCollection", features: halos }, L.extend({
          interactive: false,
          style: function (f) { return { color: colour, weight: 9, opacity: 0.28, lineCap: "butt", dashArray: isEarly(works(f)) ? "10 6" : null }; }
        }, opts)).addTo(group);
      }
      L.geoJSON({ type: "FeatureCollection", features: located }, L.extend({
        style: function (f) {
          if (existing(f)) { return { color: colour, weight: 2, opacity: 0.95, dashArray: null }; }
          var st = works(f) || f.properties.status;
          return { color: colour, weight: st === "operating" || st === "completed" ? 4 : 3, opacity: 0.9, dashArray: isEarly(st) ? "7 6" : null };
        },
        pointToLayer: function (f, latlng) {
          var w = works(f);
          if (existing(f)) {
            var dot = L.circleMarker(latlng, L.extend({ radius: 5, color: "#222", weight: 1.2, fillColor: colour, fillOpacity: 1 }, opts));
            if (!w) { return dot; }
            var ring = L.circleMarker(latlng, L.extend({ radius: 9, color: colour, weight: 2, fill: false, interactive: false, dashArray: isEarly(w) ? "3 3" : null }, opts));
            return L.featureGroup([ring, dot]);
          }
          var st = w || f.properties.status;
          return L.circleMarker(latlng, L.extend({ radius: 6, color: colour, weight: 2, fillColor: isEarly(st) ? "#ffffff" : colour, fillOpacity: 0.95, dashArray: isEarly(st) ? "3 2" : null }, opts));
        },
        onEachFeature: function (f, layer) {
          self.projectLayers[f.id] = layer;
          self.register(f, layer);
          layer.bindPopup(self.popupContent(f, layer, function (p) { return projectPopup(p, mode); }), self.popupOptions());
          layer.bindTooltip(f.properties.name_zh, { sticky: true, className: "atlas-tip" });
        }
      }, opts)).addTo(group);
      document.body.setAttribute("data-" + mode + "-drawn", String(located.length));
      // Its symbols and exit labels count only on the map (a hidden layer changes no label).
      if (filtered === undefined && this.map.hasLayer(group)) { this.labels.update(); }
      return located.length;
    },

    // "→ 郑州" where a line leaves the map's frame (the line's display property `exits`), for the
    // project layers on the map.
    exitLabels: function () {
      var out = [], self = this, map = this.map, mode = uiLang();
      var arrows = ["→", "↘", "↓", "↙", "←", "↖", "↑", "↗"];
      Object.keys(this.drawnProjects || {}).forEach(function (layerId) {
        if (!self.groups[layerId] || !map.hasLayer(self.groups[layerId])) { return; }
        self.drawnProjects[layerId].forEach(function (f) {
          (f.properties.exits || []).forEach(function (x, i) {
            if (x.lon === undefined || x.lat === undefined) { return; }
            var dir = exitDirection(f.geometry, [x.lon, x.lat], map);
            var arrow = dir === null ? "→" : arrows[Math.round(((dir + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 4)) % 8];
            out.push({ id: f.id + ":" + i, latlng: L.latLng(x.lat, x.lon), colour: MODES[layerId] ? MODES[layerId].colour : null,
              text: arrow + " " + (mode === "en" && x.toward_en ? x.toward_en : x.toward_zh) });
          });
        });
      });
      return out;
    },

    // ---- plan views ----

    showPlan: function (plan, options) {
      options = options || {};
      var group = this.groups.layout, self = this, map = this.map;
      if (!group) { return 0; }
      // A plan is read over a quiet base: zones and projects step aside while it is shown, the
      // counties and the existing network dim.
      var busy = this.planBusy();
      if (plan && !this.hidden) {
        this.hidden = busy.filter(function (id) { return map.hasLayer(self.groups[id]); });
        this.hidden.forEach(function (id) { map.removeLayer(self.groups[id]); });
      } else if (!plan && this.hidden) {
        this.hidden.forEach(function (id) { map.addLayer(self.groups[id]); });
        this.hidden = null;
      }
      map.getContainer().classList.toggle("atlas-plan-mode", !!plan);
      if (this.planLayer) {
        group.removeLayer(this.planLayer);
        this.planLayer = null;
      }
      this.plan = plan || "";
      this.planLabelsAll = [];
      this.planTypes = {};
      var all = (this.layout || []).filter(function (f) { return f.properties.plan === plan; });
      var feats = all.filter(function (f) { return f.geometry; });
      var pane = "atlasPlan", opts = this.paneOptions(pane);
      this.planLayer = L.featureGroup().addTo(group);
      // Elements covering much of the plan's area get a lighter fill, so the rest reads through.
      var whole = feats.length ? L.geoJSON({ type: "FeatureCollection", features: feats }).getBounds() : null;
      var wholeArea = whole ? Math.max(1e-6, (whole.getEast() - whole.getWest()) * (whole.getNorth() - whole.getSouth())) : 1;
      ELEMENT_DRAW_ORDER.forEach(function (type) {
        var ofType = feats.filter(function (f) { return elementType(f) === type; });
        if (!ofType.length) { return; }
        var st = ELEMENT_TYPES[type], layer = L.featureGroup();
        // Larger areas first, so smaller ones stay on top and clickable.
        ofType.sort(function (a, b) { return geometryArea(b.geometry) - geometryArea(a.geometry); });
        ofType.forEach(function (f) {
          var p = f.properties, anchors = labelPoints(f.geometry, 3), shape;
          var popup = function () { return layoutPopup(p); };
          if (st.symbol) {
            // A node is a symbol on each of its units (the main one carries the element's class).
            var parts = mainParts(f.geometry);
            var points = parts.length ? parts.map(function (poly) { return polygonLabelPoints(poly, 1)[0]; }) : anchors.slice(0, 1);
            anchors = points.slice(0, 1);
            shape = L.featureGroup(points.map(function (pt, i) {
              return new SymbolMarker(L.latLng(pt[1], pt[0]), L.extend({ shape: "diamond", radius: i ? 5.5 : 7, color: "#fff", weight: 1.8, fillColor: st.color, fillOpacity: 1,
                className: i ? "atlas-el-part" : "atlas-el atlas-el-" + type }, opts));
            }));
          } else {
            var share = geometryArea(f.geometry) / wholeArea, fill = st.fillOpacity;
            if (!st.hatch) { fill = share > 0.35 ? fill * 0.35 : share > 0.15 ? fill * 0.6 : fill; }
            shape = L.geoJSON(f, L.extend({ style: { className: "atlas-el atlas-el-" + type, color: st.color, weight: st.weight, dashArray: st.dashArray,
              fillColor: st.hatch ? self.hatch(pane, st.color, share > 0.35 ? 0.35 : 0.6) : st.color, fillOpacity: fill } }, opts));
          }
          shape.bindPopup(popup, self.popupOptions());
          shape.bindTooltip(p.name_zh, { sticky: true, className: "atlas-tip" });
          self.register(f, shape);
          layer.addLayer(shape);
          var name = p.name_zh, m = /^(.+?)（(.+)）$/.exec(name);
          self.planLabelsAll.push({ id: f.id, type: type, rank: PLAN_LABEL_ORDER.indexOf(type), area: geometryArea(f.geometry),
            lines: m && name.length > 10 ? [m[1], "（" + m[2] + "）"] : [name],
            latlngs: anchors.map(function (a) { return L.latLng(a[1], a[0]); }), symbol: !!st.symbol });
        });
        self.planTypes[type] = layer;
        layer.addTo(self.planLayer);
      });
      // The labeller places axes first, then cores, clusters, belts…; within a type, small
      // elements first (they have fewer places to go).
      this.planLabelsAll.sort(function (a, b) { return a.rank - b.rank || a.area - b.area; });
      this.planLabels = this.planLabelsAll.slice();
      this.planLegend(plan, all);
      if (feats.length && options.fit !== false) {
        var pad = this.viewPadding();
        map.fitBounds(this.planLayer.getBounds(), { paddingTopLeft: [pad.left + 10, pad.top + 10], paddingBottomRight: [pad.right + 10, pad.bottom + 10], animate: false });
      }
      var select = document.getElementById("atlas-plan");
      if (select && select.value !== (plan || "")) { select.value = plan || ""; }
      document.body.setAttribute("data-layout-plan", plan || "");
      document.body.setAttribute("data-layout-drawn", String(feats.length));
      this.labels.update();
      this.record();
      return feats.length;
    },

    // The layers a plan view keeps aside: zones, projects, platforms.
    planBusy: function () {
      var self = this;
      return ["zones"].concat(Object.keys(MODES)).concat(Object.keys(this.styles).filter(function (id) { return self.styles[id] === "area"; }))
        .filter(function (id) { return self.groups[id]; });
    },

    // The plan as a figure: its formula as the title, each element type named, counted and
    // coloured (click a type to hide it), and in the side panel every element with its defining
    // quote.
    planLegend: function (plan, all) {
      function countText(inFormula, elsewhere) {
        if (!elsewhere) { return "× " + inFormula; }
        return (inFormula ? "× " + inFormula + " + " : "") + elsewhere + " †";
      }
      var box = document.getElementById("atlas-plan-legend"), list = document.getElementById("atlas-plan-elements"), self = this;
      if (!box) { return; }
      box.textContent = "";
      if (list) { list.textContent = ""; }
      if (!plan || !all.length) { box.hidden = true; return; }
      var p0 = all[0].properties;
      var present = [];
      all.forEach(function (f) { var t = elementType(f); if (present.indexOf(t) < 0) { present.push(t); } });
      var types = elementTypesInOrder(p0.formula_zh, present);
      // An element the plan names outside its formula (only a plan with a formula has one).
      var hasFormula = all.some(function (f) { return f.properties.in_formula; });
      var apart = function (f) { return hasFormula && f.properties.in_formula === false; };
      // Title and formula stay in view; the key folds (folded at first on a phone).
      var fold = el("details", { class: "atlas-plan-fold" });
      if (window.innerWidth >= 700 || this.planFoldOpen) { fold.setAttribute("open", ""); }
      fold.addEventListener("toggle", function () { self.planFoldOpen = fold.open; self.labels.update(); });
      var head = el("summary", null, [el("h2", { class: "atlas-plan-title", text: p0.plan_title_zh || plan })]);
      var formula = formulaTitle(p0.formula_zh);
      if (formula) { head.appendChild(el("p", { class: "atlas-formula" + (isFormula(p0.formula_zh) ? "" : " long"), text: formula })); }
      fold.appendChild(head);
      box.appendChild(fold);
      var rows = el("ul", { class: "atlas-plan-types" });
      types.forEach(function (type) {
        var st = ELEMENT_TYPES[type];
        var members = all.filter(function (f) { return elementType(f) === type; });
        var drawn = members.filter(function (f) { return f.geometry; }).length;
        var sw = st.symbol ? { kind: "diamond", colour: st.color } : st.hatch ? { kind: "hatch", colour: st.color, dash: true } : { kind: "box", colour: st.color, fill: st.color, fillOpacity: Math.min(0.6, st.fillOpacity + 0.1), dash: !!st.dashArray };
        var button = el("button", { type: "button", class: "atlas-plan-type", "data-type": type, "data-count": String(members.length), "data-drawn": String(drawn), "aria-pressed": "true", title: "显示/隐藏 Show or hide" }, [
          swatchNode(sw),
          el("span", { class: "atlas-type-name", text: st.zh + " " + st.en }),
          // "两带 × 2 + 4 †": the formula's count first, the elements named elsewhere apart
          // (a type only named elsewhere: "1 †").
          el("span", { class: "atlas-type-count", text: countText(members.filter(function (f) { return !apart(f); }).length, members.filter(apart).length) })
        ]);
        button.addEventListener("click", function () {
          var on = button.getAttribute("aria-pressed") !== "true";
          button.setAttribute("aria-pressed", String(on));
          var layer = self.planTypes[type];
          if (layer) { if (on) { self.planLayer.addLayer(layer); } else { self.planLayer.removeLayer(layer); } }
          self.hiddenTypes = self.hiddenTypes || {};
          self.hiddenTypes[type] = !on;
          self.planLabelsFilter();
        });
        var names = members.map(function (f) { return f.properties.name_zh + (apart(f) ? "†" : "") + (f.geometry ? "" : "（未绘出 not drawn）"); }).join("；");
        rows.appendChild(el("li", { "data-type": type }, [button, el("p", { class: "atlas-type-members", text: names })]));
      });
      fold.appendChild(rows);
      if (all.some(apart)) {
        fold.appendChild(el("p", { class: "atlas-note", text: "† 方案另列，不在布局公式中 Named elsewhere in the plan, not part of the formula" }));
      }
      var widths = {};
      all.forEach(function (f) { if (f.properties.width_km) { widths[f.properties.element_type] = f.properties.width_km; } });
      var wtext = Object.keys(widths).map(function (t) { return (ELEMENT_TYPES[t] || {}).zh + " " + widths[t] + " km"; }).join("，");
      fold.appendChild(el("p", { class: "atlas-note", text: "带状要素为所循河流、线路的缓冲区 Bands buffer the rivers and lines they follow" + (wtext ? "（宽 width: " + wtext + "）" : "") + "。点击要素看定义 Click an element for its definition." }));
      box.hidden = false;
      this.hiddenTypes = {};
      // The element list, each with its defining quote.
      if (list) {
        types.forEach(function (type) {
          all.filter(function (f) { return elementType(f) === type; }).forEach(function (f) {
            var p = f.properties, st = ELEMENT_TYPES[type];
            var name = f.geometry ? el("button", { type: "button", class: "atlas-element-name", "data-feature-id": f.id }, [p.name_zh]) : el("strong", { class: "atlas-element-name", text: p.name_zh });
            if (f.geometry) { name.addEventListener("click", function () { self.openFeature(f.id); }); }
            var sw = swatchNode(st.symbol ? { kind: "diamond", colour: st.color } : { kind: "box", colour: st.color, fill: st.color, fillOpacity: 0.4 });
            list.appendChild(el("li", { "data-type": type }, [
              el("div", { class: "atlas-element-head" }, [sw, name, el("span", { class: "atlas-element-type", text: st.zh + " " + st.en })]),
              el("q", { text: p.definition }),
              f.geometry ? null : el("p", { class: "atlas-warn", text: "未绘出：定义未指明可绘制的位置 Not drawn: the definition names nothing drawable" })
            ]));
          });
        });
      }
      this.applyLanguage && this.applyLanguage(box);
    },

    planLabelsFilter: function () {
      var hidden = this.hiddenTypes || {};
      this.planLabels = (this.planLabelsAll || []).filter(function (l) { return !hidden[l.type]; });
      this.labels.update();
    },

    openFeature: function (id, options) {
      options = options || {};
      var layer = this.featureLayers[id] || (this.projectLayers && this.projectLayers[id]) || (this.zoneLayers && this.zoneLayers[id]);
      if (!layer || !this.map.hasLayer(layer)) { return false; }  // filtered out or hidden: fetch it instead
      var map = this.map, center = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
      if (!options.keepView) { map.setView(center, Math.max(map.getZoom(), 8), { animate: false }); }
      var popup = layer.getPopup ? layer.getPopup() : null;
      if (!popup && layer.eachLayer) { layer.eachLayer(function (l) { if (!popup && l.getPopup && l.getPopup()) { popup = l.getPopup(); layer = l; } }); }
      if (popup && options.keepView) { popup.options.autoPan = false; }
      layer.openPopup(center);
      if (popup && options.keepView) { popup.options.autoPan = true; }
      return true;
    },

    // ---- panels ----

    panel: function (id, title, open) {
      var body = el("div", { class: "atlas-panel-body" });
      var details = el("details", { id: id, class: "atlas-panel" }, [el("summary", null, [el("h2", { text: title })]), body]);
      if (open) { details.setAttribute("open", ""); }
      details.addEventListener("toggle", function () { if (AtlasMap.labels) { AtlasMap.labels.update(); } });
      return { node: details, body: body };
    },

    finish: function () {
      var legend = document.getElementById("atlas-legend"), self = this;
      legend.textContent = "";
      // On a phone the panels start folded, so the map shows.
      var open = window.innerWidth >= 700;
      var key = this.panel("atlas-legend-panel", "图例 Legend", open);
      legend.appendChild(key.node);
      this.layerList(key.body);
      var items = el("ul", { class: "atlas-keys" });
      function item(def, label) { items.appendChild(el("li", null, [swatchNode(def), label])); }
      item({ kind: "box", colour: "#9a9a9a", fill: "#fbfaf6" }, "经济圈内区县 County in the circle");
      item({ kind: "box", colour: "#9a9a9a", fill: "#ececec" }, "圈外区县 County outside");
      item({ kind: "line", colour: "#8c510a", width: 2, dash: true }, "部分纳入 Partly in scope (开州, 云阳)");
      item({ kind: "hatch", colour: "#666", dash: true }, "示意范围 Indicative extent");
      key.body.appendChild(items);
      var present = Object.keys(MODES).filter(function (m) { return this.projects && this.projects[m]; }, this);
      if (present.length) {
        key.body.appendChild(el("h3", { text: "项目符号 Project symbols" }));
        var pl = el("ul", { class: "atlas-keys" });
        function sym(def, label) { pl.appendChild(el("li", null, [swatchNode(def), label])); }
        sym({ kind: "dot", colour: "#777", stroke: "#222" }, "既有设施 Existing facility");
        sym({ kind: "ring", colour: "#777", stroke: "#222" }, "既有设施＋在建工程 Existing, works under way");
        sym({ kind: "ring", colour: "#777", stroke: "#222", dash: true }, "既有设施＋规划工程 Existing, works planned");
        sym({ kind: "dot", colour: "#777" }, "新建 在建/建成 New, building or built");
        sym({ kind: "dot", colour: "#777", hollow: true }, "新建 规划/研究/前期 New, planned, study, preparatory");
        sym({ kind: "line", colour: "#555", width: 2 }, "既有线路 Existing line");
        sym({ kind: "line", colour: "#555", width: 2, halo: "rgba(85,85,85,0.3)" }, "既有线路＋工程 Existing line with works");
        sym({ kind: "line", colour: "#555", width: 3 }, "新线 在建/建成 New line, building or built");
        sym({ kind: "line", colour: "#555", width: 3, dash: true }, "新线 规划/研究/前期 New line, planned, study, preparatory");
        key.body.appendChild(pl);
        key.body.appendChild(el("p", { class: "atlas-note", text: "线路为示意，经过文件所列地点；“→ 郑州”：线路出图方向 Lines are schematic, through the places named; “→ 郑州”: where a line leaves the frame" }));
        var filters = this.panel("atlas-filter-panel", "筛选项目 Filter projects", open);
        filters.body.appendChild(this.filterPanel());
        legend.appendChild(filters.node);
      }
      if (this.layout && this.layout.length) {
        var plans = {};
        this.layout.forEach(function (f) { plans[f.properties.plan] = f.properties.plan_title_zh; });
        var planPanel = this.panel("atlas-plan-panel", "空间布局 Spatial layout", open);
        var select = el("select", { id: "atlas-plan", "aria-label": "选择规划的空间布局 Choose a plan's spatial layout" }, [el("option", { value: "", text: "— 选择规划 Choose a plan —" })]);
        Object.keys(plans).forEach(function (k) { select.appendChild(el("option", { value: k, text: plans[k] })); });
        select.addEventListener("change", function () { self.showPlan(select.value); });
        planPanel.body.appendChild(select);
        planPanel.body.appendChild(el("ol", { id: "atlas-plan-elements", class: "atlas-plan-elements", "aria-label": "Elements and their definitions" }));
        legend.appendChild(planPanel.node);
      }
      if (this.zones) {
        var zonePanel = this.panel("atlas-zone-panel", "合作区 Zones (click / 点击)", open);
        var zl = el("ul", { class: "atlas-zone-legend" });
        this.zones.slice().sort(function (a, b) { return a.properties.area_km2 - b.properties.area_km2; }).forEach(function (f) {
          var q = f.properties.geometry_quality, c = self.colours[f.id];
          var def = q === "indicative" ? { kind: "hatch", colour: c, dash: true } : { kind: "box", colour: c, fill: c, fillOpacity: 0.33, dash: q === "approximate" };
          var button = el("button", { type: "button", "data-zone": f.id, title: f.properties.name_en }, [swatchNode(def), f.properties.name_zh]);
          button.addEventListener("click", function () { self.focusZone(f.id); });
          zl.appendChild(el("li", null, [button]));
        });
        zonePanel.body.appendChild(zl);
        zonePanel.body.appendChild(el("p", { class: "atlas-note", text: "虚线：部分成员仅部分纳入 Dashed: members partly inside, whole units drawn; 斜线：示意范围 Hatched: indicative extent" }));
        legend.appendChild(zonePanel.node);
      }
      this.labels.update();
    },

    // Leaflet's layer control, moved into the legend panel, each layer with its swatch.
    layerList: function (into) {
      var control = document.querySelector(".leaflet-control-layers"), self = this;
      if (!control) { return; }
      into.appendChild(control);
      control.classList.add("atlas-layers");
      var section = control.querySelector(".leaflet-control-layers-list");
      if (section) { section.style.height = ""; section.classList.remove("leaflet-control-layers-scrollbar"); }
      var byName = {};
      Object.keys(this.layerInfo).forEach(function (id) { byName[self.layerInfo[id].label] = id; });
      function decorate() {
        control.querySelectorAll(".leaflet-control-layers-overlays label").forEach(function (label) {
          if (label.querySelector(".swatch")) { return; }
          var id = byName[label.textContent.trim()];
          if (!id) { return; }
          label.setAttribute("data-layer", id);
          var input = label.querySelector("input");
          var info = self.layerInfo[id];
          if (input && input.parentNode) { input.parentNode.insertBefore(swatchNode(swatchOf(info.style, info.colour)), input.nextSibling); }
        });
      }
      decorate();
      var overlays = control.querySelector(".leaflet-control-layers-overlays");
      // Leaflet rebuilds the list whenever a layer is added or removed: decorate it again.
      if (overlays && window.MutationObserver) {
        new MutationObserver(function () { decorate(); if (self.applyLanguage) { self.applyLanguage(overlays); } }).observe(overlays, { childList: true });
      }
      this.map.on("overlayadd overlayremove", function () { self.labels.update(); self.record(); });
    },

    filterPanel: function () {
      var self = this;
      var status = el("select", { id: "atlas-status-filter", "aria-label": "Status" }, [el("option", { value: "", text: "全部状态 all statuses" })]);
      Object.keys(STATUS_LABEL).forEach(function (k) { status.appendChild(el("option", { value: k, text: STATUS_LABEL[k] })); });
      var province = el("select", { id: "atlas-province-filter", "aria-label": "Province" }, [
        el("option", { value: "", text: "川渝 both" }), el("option", { value: "sichuan", text: "四川 Sichuan" }), el("option", { value: "chongqing", text: "重庆 Chongqing" })]);
      var facility = el("select", { id: "atlas-facility-filter", "aria-label": "Existing network or works" }, [
        el("option", { value: "", text: "全部 all" }), el("option", { value: "existing", text: "既有设施 existing facilities" }), el("option", { value: "new", text: "新建工程 new works" })]);
      var cross = el("input", { id: "atlas-cross-filter", type: "checkbox" });
      var year = el("input", { id: "atlas-year", type: "range", min: "2019", max: "2035", step: "1", value: "2019", "aria-label": "Year (2019 = all years)" });
      var yearLabel = el("span", { id: "atlas-year-label", text: "全部年份 all years" });
      function update() {
        self.filters.status = status.value;
        self.filters.province = province.value;
        self.filters.crossBorder = cross.checked;
        self.filters.facility = facility.value;
        var y = parseInt(year.value, 10);
        self.filters.year = y >= 2020 ? y : null;
        yearLabel.textContent = self.filters.year ? String(y) : "全部年份 all years";
        self.applyFilters();
        self.record();
      }
      [status, province, cross, facility, year].forEach(function (c) { c.addEventListener(c === year ? "input" : "change", update); });
      this.filterControls = { status: status, province: province, cross: cross, facility: facility, year: year, yearLabel: yearLabel };
      return el("div", { class: "atlas-filters" }, [
        el("label", null, ["状态 Status ", status]),
        el("label", null, ["省市 Province ", province]),
        el("label", null, ["既有/工程 Existing network / works ", facility]),
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
      var link = document.getElementById("atlas-link");
      if (link) {
        link.addEventListener("click", function () {
          self.record(true);
          var url = window.location.href;
          var ok = function () { self.say("链接已复制 Link copied: " + url); };
          if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(url).then(ok, function () { self.say(url); }); } else { self.say(url); }
        });
      }
      var exportButton = document.getElementById("atlas-export");
      if (exportButton) { exportButton.addEventListener("click", function () { self.exportPng(); }); }
      var printButton = document.getElementById("atlas-print");
      if (printButton) { printButton.addEventListener("click", function () { self.preparePrint().then(function () { window.print(); }); }); }
      // Ctrl+P without the button: the live page prints with the legend and the source line.
      window.addEventListener("beforeprint", function () {
        var line = document.getElementById("atlas-print-sources");
        if (line && !document.body.classList.contains("atlas-print-image")) { line.textContent = self.sourceLine(); }
      });
      window.addEventListener("afterprint", function () { document.body.classList.remove("atlas-print-image"); });
    },

    // Distance along clicked points (geodesic on the sphere, Leaflet's map.distance).
    measureTool: function () {
      var map = this.map, button = document.getElementById("atlas-measure");
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

    // 中文 / English: bilingual UI labels ("图例 Legend") show one language or both; the place
    // labels add English names in English.
    languageSwitch: function () {
      var modes = ["both", "zh", "en"], originals = new WeakMap(), self = this;
      var split = /^([^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/;
      this.langMode = "both";
      function apply(root) {
        var mode = self.langMode;
        var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        var nodes = [];
        while (walker.nextNode()) { nodes.push(walker.currentNode); }
        nodes.forEach(function (n) {
          if (n.parentNode && n.parentNode.closest && n.parentNode.closest("q, .atlas-cite-doc, .atlas-popup h3, .atlas-en, td, .atlas-zone-legend, .atlas-label, .atlas-label-layer, .atlas-plan-title, .atlas-formula, .atlas-type-members, .atlas-element-name, #atlas-print-sources")) { return; }  // data, not UI
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
      this.setLanguage = function (mode) {
        if (modes.indexOf(mode) < 0) { mode = "both"; }
        self.langMode = mode;
        document.documentElement.lang = mode === "en" ? "en" : "zh";
        document.body.setAttribute("data-lang", mode);
        apply(document.body);
        if (self.labels) { self.labels.update(); }
        self.record();
      };
      document.getElementById("atlas-lang").addEventListener("click", function () {
        self.setLanguage(modes[(modes.indexOf(self.langMode) + 1) % modes.length]);
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

    say: function (message) {
      var status = document.getElementById("atlas-status");
      status.hidden = false;
      status.textContent = message;
    },

    choose: function (result, options) {
      options = options || {};
      var self = this, map = this.map;
      var group = this.groups[result.layer];
      if (group && !map.hasLayer(group)) { map.addLayer(group); }
      if (this.openFeature(result.id, options)) { document.body.setAttribute("data-chosen", result.id); return; }
      wholeFeature(this.config.api, result.id).then(function (feature) {
        if (!feature.geometry) { self.say((feature.properties.name_zh || result.id) + "：文件未给出位置 no location in the documents"); return; }
        var shape = L.geoJSON(feature);
        if (!options.keepView) { map.fitBounds(shape.getBounds(), { maxZoom: 10, padding: [40, 40], animate: false }); }
        var p = feature.properties;
        var content = p.layer === "zones" ? zonePopup(p) : MODES[p.layer] || p.layer === "network" ? projectPopup(p, p.layer) : p.layer === "layout" ? layoutPopup(p) :
          self.styles[p.layer] === "area" ? platformPopup(p) : p.adcode && p.level ? regionPopup(p) :
          el("div", { class: "atlas-popup", "data-feature-id": p.id }, [el("h3", { text: p.name_zh }), el("p", { class: "atlas-en", text: p.name_en })]);
        L.popup(self.popupOptions(options.keepView ? { autoPan: false } : {})).setLatLng(shape.getBounds().getCenter()).setContent(content).openOn(map);
        document.body.setAttribute("data-chosen", result.id);
      }).catch(function () { self.say("未找到 Not found: " + result.id); });
    },

    // "#focus=zone:wandakai" (the zone pages link back to the map this way) opens that feature.
    focusFromHash: function (id) {
      if (!id) { return; }
      if (this.zoneLayers && this.zoneLayers[id]) { this.focusZone(id); } else { this.choose({ id: id, layer: id.split(":")[0] }); }
      document.body.setAttribute("data-focus", id);
    },

    focusZone: function (id) {
      var layer = this.zoneLayers && this.zoneLayers[id];
      if (!layer) { return; }
      var map = this.map, pad = this.viewPadding();
      if (!map.hasLayer(this.groups.zones)) { map.addLayer(this.groups.zones); }
      map.once("moveend", function () { layer.openPopup(layer.getBounds().getCenter()); });
      map.fitBounds(layer.getBounds(), { paddingTopLeft: [pad.left + 20, pad.top + 20], paddingBottomRight: [pad.right + 20, pad.bottom + 20], animate: false });
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
    },

    // ---- permalinks: the URL's hash holds the view, so a copied link reopens it and
    // back/forward step through changes ----

    state: function () {
      var map = this.map, self = this, c = map.getCenter();
      var hidden = this.hidden || [];
      var layers = (this.config.layers || []).filter(function (l) {
        return l.in_control && self.groups[l.id] && (map.hasLayer(self.groups[l.id]) || hidden.indexOf(l.id) >= 0);
      }).map(function (l) { return l.id; });
      return {
        view: { zoom: map.getZoom(), lat: c.lat, lng: c.lng },
        layers: layers,
        status: this.filters.status, province: this.filters.province, cross: this.filters.crossBorder,
        year: this.filters.year, facility: this.filters.facility,
        plan: this.plan || "", sel: this.selected || "", lang: this.langMode || "both"
      };
    },

    startHistory: function () {
      var self = this, map = this.map, st = this.initialState;
      this.historyReady = true;
      map.on("moveend", function () { self.record(); });
      map.on("popupopen", function (e) {
        var node = e.popup.getElement() && e.popup.getElement().querySelector("[data-feature-id]");
        self.selected = node ? node.getAttribute("data-feature-id") : "";
        self.record();
      });
      map.on("popupclose", function () { self.selected = ""; self.record(); });
      window.addEventListener("popstate", function () { self.applyState(parseHash(window.location.hash)); });
      if (st.present) {
        this.applyState(st, { initial: true });
      } else {
        // A small screen starts on the whole economic circle.
        var scope = this.groups.economic_circle;
        if (!st.focus && window.innerWidth < 700 && scope && scope.getLayers().length) {
          var pad = this.viewPadding();
          map.fitBounds(scope.getBounds(), { paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom], animate: false });
        }
        this.lastHash = hashOf(this.state());
        window.history.replaceState(null, "", this.lastHash);
        if (st.focus) { this.focusFromHash(st.focus); }
      }
    },

    // Called after every change; coalesces a burst of events into one history entry, and a run
    // of view changes (panning, zooming) into one.
    record: function (now) {
      if (!this.historyReady || this.applying) { return; }
      var self = this;
      clearTimeout(this.recordTimer);
      function write() {
        var hash = hashOf(self.state());
        if (hash === window.location.hash) { self.lastHash = hash; return; }
        var prev = parseHash(window.location.hash), next = parseHash(hash);
        var viewOnly = prev.view && STATE_KEYS.every(function (k) { return k === "map" || JSON.stringify(prev[k]) === JSON.stringify(next[k]); });
        var t = Date.now();
        if (viewOnly && self.lastViewPush && t - self.lastViewPush < 1500) { window.history.replaceState(null, "", hash); }
        else { window.history.pushState(null, "", hash); }
        self.lastViewPush = viewOnly ? t : 0;
        self.lastHash = hash;
        document.body.setAttribute("data-state", hash);
      }
      if (now === true) { write(); } else { this.recordTimer = setTimeout(write, 150); }
    },

    applyState: function (st, options) {
      options = options || {};
      var self = this, map = this.map;
      this.applying = true;
      try {
        if (this.plan && this.plan !== st.plan) { this.showPlan(""); }
        if (st.layers) {
          (this.config.layers || []).forEach(function (l) {
            var g = self.groups[l.id];
            if (!l.in_control || !g) { return; }
            var want = st.layers.indexOf(l.id) >= 0;
            if (self.hidden && (self.hidden.indexOf(l.id) >= 0 || self.planBusy().indexOf(l.id) >= 0)) {
              // A plan view keeps zones and projects aside: remember them for when it closes.
              var k = self.hidden.indexOf(l.id);
              if (!want && k >= 0) { self.hidden.splice(k, 1); } else if (want && k < 0) { self.hidden.push(l.id); }
              return;
            }
            if (want && !map.hasLayer(g)) { map.addLayer(g); } else if (!want && map.hasLayer(g)) { map.removeLayer(g); }
          });
        }
        var fc = this.filterControls, f = this.filters;
        var changed = f.status !== st.status || f.province !== st.province || f.crossBorder !== st.cross || f.year !== st.year || f.facility !== st.facility;
        if (fc) {
          fc.status.value = st.status; fc.province.value = st.province; fc.cross.checked = st.cross; fc.facility.value = st.facility;
          fc.year.value = String(st.year || 2019);
          fc.yearLabel.textContent = st.year ? String(st.year) : "全部年份 all years";
          if (changed) {
            f.status = st.status; f.province = st.province; f.crossBorder = st.cross; f.year = st.year; f.facility = st.facility;
            this.applyFilters();
          }
        }
        if (st.plan !== (this.plan || "")) { this.showPlan(st.plan, { fit: !st.view }); }
        if (st.view) {
          var c = map.getCenter();
          if (map.getZoom() !== st.view.zoom || Math.abs(c.lat - st.view.lat) > 1e-4 || Math.abs(c.lng - st.view.lng) > 1e-4) {
            map.setView([st.view.lat, st.view.lng], st.view.zoom, { animate: false });
          }
        }
        if (st.lang && st.lang !== (this.langMode || "both") && this.setLanguage) { this.setLanguage(st.lang); }
        else if (!st.lang && this.langMode && this.langMode !== "both" && this.setLanguage) { this.setLanguage("both"); }
        var sel = st.sel || (!st.view ? st.focus : "");
        if (sel && sel !== this.selected) {
          if (!st.view) { this.focusFromHash(sel); }
          else if (!this.openFeature(sel, { keepView: true })) { this.choose({ id: sel, layer: sel.split(":")[0] }, { keepView: true }); }
          this.selected = sel;
          document.body.setAttribute("data-focus", sel);
        } else if (!sel && this.selected) {
          map.closePopup();
          this.selected = "";
        }
      } finally {
        this.applying = false;
      }
      this.labels.update();
      if (options.initial && (!st.view || !st.layers)) {
        // An old-style link (#focus=…): write the full state once the focus has moved the map.
        setTimeout(function () { self.record(true); }, 400);
      }
      this.lastHash = window.location.hash;
      document.body.setAttribute("data-state-applied", String(Date.now()));
    },

    // ---- export: the view as a PNG with its legend and sources, drawn offline from the map's
    // own SVG panes and labels; printing prints that image ----

    sourceLine: function () {
      var self = this, map = this.map, docs = [], seen = {}, data = [], seenData = {};
      function doc(title, date) {
        if (!title || seen[title]) { return; }
        seen[title] = true;
        docs.push(title + (date ? "（" + date.slice(0, 4) + "）" : ""));
      }
      var bounds = map.getBounds();
      if (this.plan) {
        (this.layout || []).filter(function (f) { return f.properties.plan === self.plan; }).forEach(function (f) {
          doc(f.properties.plan_title_zh);
          (f.properties.sources || []).forEach(function (s) { doc(s.doc_title_zh, s.doc_date); });
        });
      }
      if (this.zones && map.hasLayer(this.groups.zones)) {
        this.zones.forEach(function (f) {
          if (self.zoneLayers[f.id] && bounds.intersects(self.zoneLayers[f.id].getBounds())) { doc(f.properties.plan_title_zh, f.properties.plan_date); }
        });
      }
      Object.keys(this.drawnProjects || {}).forEach(function (id) {
        if (!map.hasLayer(self.groups[id])) { return; }
        self.drawnProjects[id].forEach(function (f) {
          var layer = self.featureLayers[f.id];
          if (layer && layer.getBounds && !bounds.intersects(layer.getBounds())) { return; }
          if (layer && layer.getLatLng && !bounds.contains(layer.getLatLng())) { return; }
          (f.properties.mentions || f.properties.sources || []).forEach(function (s) { doc(s.doc_title_zh, s.doc_date); });
        });
      });
      var visible = (this.config.layers || []).filter(function (l) { return self.groups[l.id] && (map.hasLayer(self.groups[l.id]) || (l.id === "layout" && self.plan)); });
      var sets = visible.map(function (l) { return l.sources || []; });
      if (this.labels.places.length) { Object.keys(this.config.labels || {}).forEach(function (k) { sets.push(self.config.labels[k]); }); }
      sets.forEach(function (list) {
        list.forEach(function (s) {
          if (seenData[s.name]) { return; }
          seenData[s.name] = true;
          data.push(s.name + (s.licence ? " — " + s.licence.split(";")[0] : ""));
        });
      });
      var shown = docs.slice(0, 12);
      var more = docs.length > shown.length ? " 等 " + docs.length + " 份文件 (" + docs.length + " documents)" : "";
      return "规划 Plans: " + (shown.length ? shown.join("；") + more : "—") + " · 数据 Data: " + data.join("；") +
        " · 成渝规划地图 Chengyu Atlas, " + new Date().toISOString().slice(0, 10) + " · " + window.location.href;
    },

    // The legend of the exported image: the plan figure's types, then the visible layers.
    exportLegend: function () {
      var self = this, map = this.map, out = [];
      if (this.plan) {
        var all = (this.layout || []).filter(function (f) { return f.properties.plan === self.plan; });
        if (all.length) {
          out.push({ heading: all[0].properties.plan_title_zh });
          var formula = formulaTitle(all[0].properties.formula_zh);
          if (formula) { out.push({ formula: formula }); }
          document.querySelectorAll("#atlas-plan-legend .atlas-plan-types > li").forEach(function (li) {
            var type = li.getAttribute("data-type"), st = ELEMENT_TYPES[type], button = li.querySelector("button");
            if (button && button.getAttribute("aria-pressed") === "false") { return; }
            out.push({ swatch: st.symbol ? { kind: "diamond", colour: st.color } : st.hatch ? { kind: "hatch", colour: st.color } : { kind: "box", colour: st.color, fill: st.color, fillOpacity: Math.min(0.6, st.fillOpacity + 0.1) },
              label: st.zh + " " + st.en + " " + button.querySelector(".atlas-type-count").textContent, detail: li.querySelector(".atlas-type-members").textContent });
          });
        }
      }
      out.push({ heading: "图层 Layers" });
      (this.config.layers || []).forEach(function (l) {
        if (!l.in_control || !self.groups[l.id] || !map.hasLayer(self.groups[l.id])) { return; }
        out.push({ swatch: swatchOf(l.style, l.colour), label: l.label_zh + " " + l.label_en });
      });
      if (Object.keys(MODES).some(function (m) { return self.groups[m] && map.hasLayer(self.groups[m]); })) {
        out.push({ heading: "项目符号 Project symbols" });
        out.push({ swatch: { kind: "dot", colour: "#777", stroke: "#222" }, label: "既有设施 Existing facility" });
        out.push({ swatch: { kind: "ring", colour: "#777", stroke: "#222" }, label: "既有＋工程 Existing, with works (dashed: planned)" });
        out.push({ swatch: { kind: "dot", colour: "#777" }, label: "新建 在建/建成 New, building or built" });
        out.push({ swatch: { kind: "dot", colour: "#777", hollow: true }, label: "新建 规划/研究/前期 New, early stage" });
        out.push({ swatch: { kind: "line", colour: "#555", width: 3, dash: true }, label: "新线 规划 New line, early stage (dashed)" });
      }
      var f = this.filters, parts = [];
      if (f.status) { parts.push(STATUS_LABEL[f.status] || f.status); }
      if (f.province) { parts.push(f.province); }
      if (f.crossBorder) { parts.push("跨省 cross-border"); }
      if (f.year) { parts.push(String(f.year)); }
      if (f.facility) { parts.push(f.facility === "existing" ? "既有设施 existing" : "新建工程 new works"); }
      if (parts.length) { out.push({ heading: "筛选 Filters" }); out.push({ label: parts.join(" · ") }); }
      return out;
    },

    exportCanvas: function () {
      var self = this, map = this.map, container = map.getContainer(), origin = container.getBoundingClientRect();
      var W = Math.round(origin.width), H = Math.round(origin.height), scale = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
      var legendW = 300, font = window.getComputedStyle(document.body).fontFamily;
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
      ctx.font = "12px " + font;
      var sources = this.sourceLine();
      var sourceLines = wrapText(ctx, sources, W + legendW - 24);
      var footer = 18 + sourceLines.length * 16;
      canvas.width = (W + legendW) * scale;
      canvas.height = (H + footer) * scale;
      ctx.scale(scale, scale);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, W + legendW, H + footer);
      ctx.fillStyle = BACKGROUND;
      ctx.fillRect(0, 0, W, H);
      // The SVG panes, bottom to top, each at its on-screen offset and opacity.
      var svgs = Array.prototype.slice.call(container.querySelectorAll(".leaflet-pane svg")).map(function (svg) {
        var pane = svg.closest(".leaflet-pane:not(.leaflet-map-pane)");
        return { svg: svg, z: pane ? parseInt(window.getComputedStyle(pane).zIndex, 10) || 0 : 0, opacity: paneOpacity(svg, container) };
      }).filter(function (s) { return s.opacity > 0; });
      svgs.sort(function (a, b) { return a.z - b.z; });
      var jobs = svgs.map(function (s) {
        var r = s.svg.getBoundingClientRect();
        var clone = s.svg.cloneNode(true);
        clone.setAttribute("xmlns", SVGNS);
        clone.setAttribute("width", String(r.width));
        clone.setAttribute("height", String(r.height));
        clone.removeAttribute("style");
        clone.removeAttribute("class");
        var data = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(clone));
        return loadImage(data).then(function (img) { return { img: img, x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height, opacity: s.opacity }; });
      });
      return Promise.all(jobs).then(function (images) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(0, 0, W, H);
        ctx.clip();
        images.forEach(function (im) {
          ctx.globalAlpha = im.opacity;
          ctx.drawImage(im.img, im.x, im.y, im.w, im.h);
        });
        ctx.globalAlpha = 1;
        self.drawLabels(ctx, origin);
        drawScale(ctx, map, container.querySelector(".leaflet-control-scale"), origin);
        ctx.restore();
        ctx.strokeStyle = "#888";
        ctx.lineWidth = 1;
        ctx.strokeRect(0.5, 0.5, W - 1, H - 1);
        drawLegend(ctx, self.exportLegend(), W + 12, 12, legendW - 24, H - 12, font);
        ctx.fillStyle = "#333";
        ctx.font = "12px " + font;
        ctx.textBaseline = "top";
        sourceLines.forEach(function (line, i) { ctx.fillText(line, 12, H + 9 + i * 16); });
        return canvas;
      });
    },

    drawLabels: function (ctx, origin) {
      this.labels.placed.forEach(function (item) {
        var node = item.node;
        if (!node || !node.isConnected) { return; }
        if (item.dotNode) {
          var d = item.dotNode.getBoundingClientRect(), ds = window.getComputedStyle(item.dotNode);
          ctx.beginPath();
          ctx.arc(d.left - origin.left + d.width / 2, d.top - origin.top + d.height / 2, d.width / 2, 0, 2 * Math.PI);
          ctx.fillStyle = ds.backgroundColor;
          ctx.fill();
          ctx.strokeStyle = "#fff";
          ctx.lineWidth = 1;
          ctx.stroke();
        }
        var cs = window.getComputedStyle(node);
        ctx.save();
        if (item.angle !== undefined) {
          var r = node.getBoundingClientRect();
          ctx.translate(r.left - origin.left + r.width / 2, r.top - origin.top + r.height / 2);
          ctx.rotate(item.angle);
          ctx.translate(-item.w / 2, -item.h / 2);
        } else {
          ctx.translate(item.box.x, item.box.y);
        }
        if (cs.backgroundColor && cs.backgroundColor !== "rgba(0, 0, 0, 0)" && cs.backgroundColor !== "transparent") {
          ctx.fillStyle = cs.backgroundColor;
          ctx.fillRect(0, 0, item.w, item.h);
          if (parseFloat(cs.borderTopWidth)) { ctx.strokeStyle = cs.borderTopColor; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, item.w - 1, item.h - 1); }
        }
        var nr = node.getBoundingClientRect();
        Array.prototype.forEach.call(node.querySelectorAll(".atlas-label-line"), function (line) {
          var ls = window.getComputedStyle(line), lr = line.getBoundingClientRect();
          var x = item.angle !== undefined ? line.offsetLeft : lr.left - nr.left, y = item.angle !== undefined ? line.offsetTop : lr.top - nr.top;
          ctx.font = ls.fontStyle + " " + ls.fontWeight + " " + ls.fontSize + " " + ls.fontFamily;
          ctx.textBaseline = "middle";
          var h = item.angle !== undefined ? line.offsetHeight : lr.height;
          if (!cs.backgroundColor || cs.backgroundColor === "rgba(0, 0, 0, 0)") {
            ctx.strokeStyle = "rgba(255,255,255,0.92)";
            ctx.lineWidth = 3;
            ctx.lineJoin = "round";
            ctx.strokeText(line.textContent, x, y + h / 2);
          }
          ctx.fillStyle = ls.color;
          ctx.fillText(line.textContent, x, y + h / 2);
        });
        ctx.restore();
      });
    },

    exportPng: function () {
      var self = this;
      document.body.setAttribute("data-export", "pending");
      return this.exportCanvas().then(function (canvas) {
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); }).then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = el("a", { href: url, download: "chengyu-atlas-" + (self.plan || "map") + "-" + new Date().toISOString().slice(0, 10) + ".png" });
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
          setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
          document.body.setAttribute("data-export", String(blob.size));
          document.body.setAttribute("data-export-size", canvas.width + "x" + canvas.height);
          return blob;
        });
      }).catch(function (err) {
        document.body.setAttribute("data-export", "failed");
        self.say("导出失败 Export failed: " + err);
        throw err;
      });
    },

    // Print (or save as PDF) the exported image: the view, its legend and the source line.
    preparePrint: function () {
      var self = this;
      return this.exportCanvas().then(function (canvas) {
        var img = document.getElementById("atlas-print-image");
        img.src = canvas.toDataURL("image/png");
        document.getElementById("atlas-print-sources").textContent = self.sourceLine();
        document.body.classList.add("atlas-print-image");
        return new Promise(function (resolve) { if (img.complete) { resolve(); } else { img.onload = function () { resolve(); }; } });
      });
    }
  };

  function unionRect(nodes) {
    var r = null;
    Array.prototype.forEach.call(nodes, function (n) {
      if (n.hidden || !n.offsetParent) { return; }
      var b = n.getBoundingClientRect();
      if (!b.width || !b.height) { return; }
      r = r ? { left: Math.min(r.left, b.left), top: Math.min(r.top, b.top), right: Math.max(r.right, b.right), bottom: Math.max(r.bottom, b.bottom) } : { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    });
    if (r) { r.width = r.right - r.left; r.height = r.bottom - r.top; }
    return r;
  }

  // The direction (radians, screen space, 0 = east, clockwise) a line runs in at a point where
  // it leaves the frame: from the vertex before it toward it.
  function exitDirection(g, at, map) {
    var lines = g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" ? g.coordinates : [];
    var best = null, bestD = Infinity;
    lines.forEach(function (line) {
      line.forEach(function (c, i) {
        var d = Math.abs(c[0] - at[0]) + Math.abs(c[1] - at[1]);
        if (d < bestD && line.length > 1) { bestD = d; best = { line: line, i: i }; }
      });
    });
    if (!best) { return null; }
    var i = best.i, line = best.line, j = i === 0 ? 1 : i - 1;
    if (i !== 0 && i !== line.length - 1) { j = 0; }
    var a = map.latLngToContainerPoint([line[j][1], line[j][0]]), b = map.latLngToContainerPoint([at[1], at[0]]);
    if (a.distanceTo(b) < 1) { return null; }
    return Math.atan2(b.y - a.y, b.x - a.x);
  }

  function paneOpacity(node, stop) {
    var o = 1;
    for (var n = node; n && n !== stop.parentNode; n = n.parentNode) {
      if (n.nodeType !== 1) { continue; }
      var s = window.getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden") { return 0; }
      o *= parseFloat(s.opacity);
    }
    return o;
  }

  function loadImage(src) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { reject(new Error("could not render a map pane")); };
      img.src = src;
    });
  }

  // Break text into lines no wider than max (CJK breaks anywhere, Latin at spaces).
  function wrapText(ctx, s, max) {
    var lines = [], line = "";
    (s.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+/g) || []).forEach(function (tok) {
      var next = line + tok;
      if (ctx.measureText(next).width > max && line.trim()) { lines.push(line.trim()); line = tok.trim() ? tok : ""; } else { line = next; }
    });
    if (line.trim()) { lines.push(line.trim()); }
    return lines;
  }

  function drawSwatch(ctx, def, x, y) {
    ctx.save();
    ctx.setLineDash(def.dash ? [4, 3] : []);
    if (def.kind === "line") {
      if (def.halo) { ctx.strokeStyle = def.halo; ctx.lineWidth = 8; ctx.beginPath(); ctx.moveTo(x, y + 6); ctx.lineTo(x + 20, y + 6); ctx.stroke(); }
      ctx.globalAlpha = def.opacity || 1;
      ctx.strokeStyle = def.colour; ctx.lineWidth = def.width || 2;
      ctx.beginPath(); ctx.moveTo(x, y + 6); ctx.lineTo(x + 20, y + 6); ctx.stroke();
    } else if (def.kind === "dot" || def.kind === "ring") {
      if (def.kind === "ring") { ctx.strokeStyle = def.colour; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(x + 10, y + 6, 8, 0, 2 * Math.PI); ctx.stroke(); ctx.setLineDash([]); }
      ctx.beginPath(); ctx.arc(x + 10, y + 6, 5, 0, 2 * Math.PI);
      ctx.fillStyle = def.hollow ? "#fff" : def.colour; ctx.fill();
      ctx.setLineDash(def.hollow ? [2, 2] : []);
      ctx.strokeStyle = def.hollow ? def.colour : (def.stroke || "#fff"); ctx.lineWidth = 1.5; ctx.stroke();
    } else if (def.kind === "diamond") {
      ctx.beginPath(); ctx.moveTo(x + 10, y - 1); ctx.lineTo(x + 17, y + 6); ctx.lineTo(x + 10, y + 13); ctx.lineTo(x + 3, y + 6); ctx.closePath();
      ctx.fillStyle = def.colour; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke();
    } else if (def.kind === "zones") {
      ["#E69F00", "#56B4E9", "#009E73"].forEach(function (c, i) { ctx.fillStyle = hexAlpha(c, 0.5); ctx.fillRect(x + i * 7, y, 7, 12); });
      ctx.strokeStyle = "#666"; ctx.strokeRect(x + 0.5, y + 0.5, 20, 11);
    } else if (def.kind === "hatch") {
      ctx.save(); ctx.beginPath(); ctx.rect(x, y, 20, 12); ctx.clip();
      ctx.strokeStyle = def.colour; ctx.lineWidth = 1.5; ctx.globalAlpha = 0.7;
      for (var k = -12; k < 24; k += 5) { ctx.beginPath(); ctx.moveTo(x + k, y + 12); ctx.lineTo(x + k + 12, y); ctx.stroke(); }
      ctx.restore();
      ctx.setLineDash([3, 2]); ctx.strokeStyle = def.colour; ctx.strokeRect(x + 0.5, y + 0.5, 20, 11);
    } else {
      ctx.fillStyle = def.fillOpacity !== undefined ? hexAlpha(def.fill, def.fillOpacity) : (def.fill || "transparent");
      ctx.fillRect(x, y, 20, 12);
      ctx.strokeStyle = def.colour; ctx.lineWidth = 1.5; ctx.strokeRect(x + 0.5, y + 0.5, 20, 11);
    }
    ctx.restore();
  }

  function drawLegend(ctx, entries, x, y, w, maxY, font) {
    ctx.textBaseline = "top";
    ctx.fillStyle = "#111";
    ctx.font = "600 16px " + font;
    ctx.fillText("成渝规划地图 Chengyu Atlas", x, y);
    y += 24;
    entries.forEach(function (e) {
      if (y > maxY - 14) { return; }
      if (e.heading) {
        ctx.font = "600 13px " + font; ctx.fillStyle = "#222";
        wrapText(ctx, e.heading, w).forEach(function (l) { if (y < maxY - 14) { ctx.fillText(l, x, y + 4); y += 17; } });
        y += 4;
      } else if (e.formula) {
        ctx.font = "600 15px " + font; ctx.fillStyle = "#B2182B";
        wrapText(ctx, e.formula, w).forEach(function (l) { ctx.fillText(l, x, y); y += 19; });
        y += 2;
      } else {
        var tx = x;
        if (e.swatch) { drawSwatch(ctx, e.swatch, x, y + 1); tx = x + 28; }
        ctx.font = "12px " + font; ctx.fillStyle = "#222";
        wrapText(ctx, e.label, w - (tx - x)).forEach(function (l) { ctx.fillText(l, tx, y); y += 15; });
        if (e.detail) {
          ctx.font = "11px " + font; ctx.fillStyle = "#555";
          wrapText(ctx, e.detail, w - 28).slice(0, 4).forEach(function (l) { if (y < maxY - 14) { ctx.fillText(l, x + 28, y); y += 14; } });
        }
        y += 3;
      }
    });
  }

  // A scale bar of a round length, measured at the map's centre, where the map's own scale
  // control is (labels keep clear of it).
  function drawScale(ctx, map, control, origin) {
    var y = map.getSize().y / 2, a = map.containerPointToLatLng([0, y]), b = map.containerPointToLatLng([100, y]);
    var per100 = map.distance(a, b), nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].map(function (k) { return k * 1000; });
    var len = nice.filter(function (n) { return n <= per100 * 0.6; }).pop() || 1000, px = 100 * len / per100;
    var r = control ? control.getBoundingClientRect() : null;
    var x0 = r ? r.left - origin.left + 4 : 14, y0 = r ? r.bottom - origin.top - 8 : map.getSize().y - 20;
    ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(x0 - 4, y0 - 16, px + 52, 24);
    ctx.strokeStyle = "#222"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x0, y0 - 5); ctx.lineTo(x0, y0); ctx.lineTo(x0 + px, y0); ctx.lineTo(x0 + px, y0 - 5); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.font = "11px sans-serif"; ctx.textBaseline = "bottom";
    ctx.fillText((len / 1000) + " km", x0 + px + 6, y0 + 2);
  }

  window.AtlasMap = AtlasMap;
  AtlasMap.leafletStock = LEAFLET_STOCK;
})();
