// The little of Telegram's Mini App bridge the reader needs, served by the bot itself: the page may
// load nothing from another host (cadres' phones may be on restricted networks; the CSP allows only
// this origin). Telegram passes the launch parameters in the URL's fragment (tgWebAppData: the signed
// initData; tgWebAppThemeParams: the theme) and talks to the page through events. If a
// window.Telegram.WebApp already exists (Telegram's own script, or a test's stub), it is used as is.
(function () {
  "use strict";
  if (window.Telegram && window.Telegram.WebApp) { return; }

  var KEY = "reader-launch";
  function params(text) {
    var out = {};
    (text || "").replace(/^[#?]/, "").split("&").forEach(function (pair) {
      if (!pair) { return; }
      var at = pair.indexOf("=");
      var name = at < 0 ? pair : pair.slice(0, at);
      var value = at < 0 ? "" : pair.slice(at + 1);
      try { out[decodeURIComponent(name)] = decodeURIComponent(value.replace(/\+/g, "%20")); } catch (e) { /* skip */ }
    });
    return out;
  }
  var launch = params(window.location.hash);
  try {
    if (launch.tgWebAppData) { sessionStorage.setItem(KEY, JSON.stringify(launch)); }
    else { launch = JSON.parse(sessionStorage.getItem(KEY) || "{}"); }
  } catch (e) { /* private mode: no session storage */ }

  function parseJson(text) { try { return JSON.parse(text || "{}") || {}; } catch (e) { return {}; } }
  var initData = launch.tgWebAppData || "";
  var fields = params(initData);
  var unsafe = { user: parseJson(fields.user), start_param: fields.start_param, auth_date: fields.auth_date };
  var handlers = {};

  function postEvent(type, data) {
    var payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) { window.TelegramWebviewProxy.postEvent(type, payload); return; }
      if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
        return;
      }
      if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "https://web.telegram.org");
      }
    } catch (e) { /* outside Telegram */ }
  }

  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) { return 1; }
    var n = parseInt(m[1], 16);
    return (0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  }

  var app = {
    initData: initData,
    initDataUnsafe: unsafe,
    platform: launch.tgWebAppPlatform || "unknown",
    version: launch.tgWebAppVersion || "6.0",
    themeParams: parseJson(launch.tgWebAppThemeParams),
    colorScheme: "light",
    onEvent: function (type, fn) { (handlers[type] = handlers[type] || []).push(fn); },
    offEvent: function (type, fn) { handlers[type] = (handlers[type] || []).filter(function (f) { return f !== fn; }); },
    ready: function () { postEvent("web_app_ready"); },
    expand: function () { postEvent("web_app_expand"); },
    BackButton: {
      isVisible: false,
      show: function () { this.isVisible = true; postEvent("web_app_setup_back_button", { is_visible: true }); },
      hide: function () { this.isVisible = false; postEvent("web_app_setup_back_button", { is_visible: false }); },
      onClick: function (fn) { app.onEvent("backButtonClicked", fn); },
      offClick: function (fn) { app.offEvent("backButtonClicked", fn); }
    }
  };
  app.colorScheme = luminance(app.themeParams.bg_color) < 0.5 ? "dark" : "light";

  function emit(type) { (handlers[type] || []).forEach(function (fn) { try { fn(); } catch (e) { /* keep going */ } }); }
  function receive(type, data) {
    if (type === "theme_changed" && data && data.theme_params) {
      app.themeParams = data.theme_params;
      app.colorScheme = luminance(app.themeParams.bg_color) < 0.5 ? "dark" : "light";
      emit("themeChanged");
    } else if (type === "back_button_pressed") {
      emit("backButtonClicked");
    }
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: receive };
  window.TelegramGameProxy = { receiveEvent: receive };
  window.addEventListener("message", function (event) {
    if (event.origin !== "https://web.telegram.org") { return; }
    var message = typeof event.data === "string" ? parseJson(event.data) : {};
    if (message.eventType) { receive(message.eventType, message.eventData); }
  });
  window.Telegram.WebApp = app;
})();
