// How the reader looks: Telegram's theme colours as CSS variables, and icons drawn as SVG (an emoji
// or a rare symbol may be missing from a phone's fonts). Nothing here knows the report.
(function () {
  "use strict";
  // Icons drawn as SVG: an emoji or a rare symbol may be missing from a phone's fonts.
  var ICONS = {
    menu: "M4 6h16M4 12h16M4 18h16",
    search: "M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM15.5 15.5L20 20",
    copy: "M9 9h10v11H9zM5 15V4h10",
    close: "M6 6l12 12M18 6L6 18"
  };
  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "svg-icon");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }
  function iconButton(node, name, label) {
    node.textContent = "";
    node.appendChild(icon(name));
    node.setAttribute("aria-label", label);
    node.setAttribute("title", label);
    return node;
  }

  var THEME = { bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
    button_color: "--button", button_text_color: "--button-text", secondary_bg_color: "--secondary-bg",
    accent_text_color: "--accent", section_bg_color: "--section-bg", header_bg_color: "--header-bg",
    destructive_text_color: "--destructive" };
  function rgba(hex, alpha) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) { return null; }
    var n = parseInt(m[1], 16);
    return "rgba(" + (n >> 16) + ", " + ((n >> 8) & 255) + ", " + (n & 255) + ", " + alpha + ")";
  }
  function applyTheme(tg) {
    var root = document.documentElement;
    var params = (tg && tg.themeParams) || {};
    root.setAttribute("data-scheme", tg && tg.colorScheme === "dark" ? "dark" : "light");
    Object.keys(THEME).forEach(function (key) {
      var value = params[key];
      if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) { root.style.setProperty(THEME[key], value); }
      else { root.style.removeProperty(THEME[key]); }
    });
    var accent = params.accent_text_color || params.link_color;
    var dark = tg && tg.colorScheme === "dark";
    ["--mark", "--mark-strong"].forEach(function (name, i) {
      var value = rgba(accent, (dark ? 0.22 : 0.15) * (i + 1));
      if (value) { root.style.setProperty(name, value); } else { root.style.removeProperty(name); }
    });
    var line = rgba(params.hint_color, 0.25);
    if (line) { root.style.setProperty("--line", line); } else { root.style.removeProperty("--line"); }
  }

  window.ReaderLook = { icon: icon, iconButton: iconButton, applyTheme: applyTheme };
})();
