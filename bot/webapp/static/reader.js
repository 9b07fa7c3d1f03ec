// The reader: contents, the original text section by section (footnotes open in place, figures open
// their cards), the curated summaries, search, two languages, Telegram's theme. Every string from the
// server is put in with textContent: the page never builds HTML from data.
(function () {
  "use strict";
  var tg = (window.Telegram && window.Telegram.WebApp) || null;
  var STRINGS = window.READER_STRINGS || {};
  var state = { lang: "vi", contents: null, view: null, section: null, history: [], figures: {}, searchText: "" };
  var $ = function (id) { return document.getElementById(id); };

  function t(key, vars) {
    var text = (STRINGS[state.lang] || STRINGS.vi || {})[key] || key;
    Object.keys(vars || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(vars[name])); });
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; }
      else if (name === "onclick") { node.addEventListener("click", value); }
      else if (name === "className") { node.className = value; }
      else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var look = window.ReaderLook;
  var icon = look.icon, iconButton = look.iconButton;
  function applyTheme() { look.applyTheme(tg); }

  // ---------------------------------------------------------------- the API
  function ApiError(status, body) { this.status = status; this.body = body || {}; }
  function api(path, params) {
    var query = Object.keys(params || {}).filter(function (k) { return params[k] !== undefined && params[k] !== null; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
    var url = "api/" + path + (query ? "?" + query : "");
    return fetch(url, { headers: { Authorization: "tma " + ((tg && tg.initData) || "") }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) { throw new ApiError(response.status, body); }
          return body;
        });
      }, function () { throw new ApiError(0, {}); });
  }

  function showError(error, retry) {
    var main = $("main");
    main.textContent = "";
    var status = error && error.status;
    var message = status === 401 ? (error.body.error === "expired" ? t("expired") : t("outside"))
      : status === 403 ? t("forbidden", { id: error.body.id || "" })
      : status === 429 ? t("slow") : t("offline");
    main.appendChild(el("p", { className: "message error", text: message }));
    if (retry && status !== 401 && status !== 403) {
      main.appendChild(el("button", { className: "retry", type: "button", text: t("retry"), onclick: retry }));
    }
    document.body.setAttribute("data-view", "error");
  }

  function toast(text) {
    var box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 2600);
  }

  // ---------------------------------------------------------------- navigation
  function go(view, arg, options, remember) {
    if (remember !== false && state.view) { state.history.push(state.view); }
    state.view = { name: view, arg: arg, options: options || {} };
    updateBack();
    if (view === "toc") { return showContents(); }
    if (view === "search") { return showSearch(arg || ""); }
    return openSection(arg, options || {});
  }
  function back() {
    closeSheet();
    var previous = state.history.pop();
    if (!previous) { return; }
    state.view = previous;
    updateBack();
    if (previous.name === "toc") { return showContents(); }
    if (previous.name === "search") { return showSearch(previous.arg || ""); }
    return openSection(previous.arg, {});
  }
  function updateBack() {
    if (!tg || !tg.BackButton) { return; }
    if (state.history.length) { tg.BackButton.show(); } else { tg.BackButton.hide(); }
  }

  function bar(title) {
    $("bar").hidden = false;
    $("bar-title").textContent = title || (state.contents ? state.contents.meta.kind : "");
    iconButton($("toc-button"), "menu", t("contents"));
    iconButton($("search-button"), "search", t("search"));
    var other = (state.contents.languages || ["vi", "en"]).filter(function (l) { return l !== state.lang; })[0] || "vi";
    var lang = $("lang-button");
    lang.textContent = other.toUpperCase();
    lang.setAttribute("aria-label", t("language") + ": " + ((STRINGS[other] || {}).language_name || other));
    lang.setAttribute("data-lang", other);
    var notice = state.contents.meta.notice;
    $("notice").hidden = !notice;
    $("notice").textContent = notice ? "⚠️ " + notice : "";
    document.documentElement.lang = state.lang;
  }

  // ---------------------------------------------------------------- contents
  function loadContents() {
    return api("contents", { lang: state.lang }).then(function (body) {
      state.contents = body;
      state.lang = body.lang;
      try { sessionStorage.setItem("reader-lang", body.lang); } catch (e) { /* ignore */ }
      document.title = body.meta.kind;
      return body;
    });
  }

  function showContents() {
    var main = $("main");
    var contents = state.contents;
    bar(t("contents"));
    main.textContent = "";
    main.appendChild(el("h1", { className: "doc-title", text: contents.meta.title }));
    main.appendChild(el("p", { className: "doc-sub", text: contents.meta.committee + " · " + contents.meta.term }));
    var list = el("ul", { className: "toc", id: "toc" });
    contents.toc.forEach(function (entry) {
      list.appendChild(el("li", { className: "l" + Math.min(entry.level, 5) }, [
        el("button", { type: "button", "data-section": entry.id, text: entry.heading,
          onclick: function () { go("section", entry.id); } })
      ]));
    });
    main.appendChild(list);
    document.body.setAttribute("data-view", "toc");
    window.scrollTo(0, 0);
  }

  // ---------------------------------------------------------------- a section
  function runsInto(node, runs, figures) {
    runs.forEach(function (run) {
      if (run.n !== undefined) {
        node.appendChild(el("button", { className: "fn", type: "button", "data-footnote": run.n,
          "aria-expanded": "false", "aria-label": t("footnote", { n: run.n }), text: String(run.n) }));
      } else if (run.f) {
        var card = figures[run.f[0]] || {};
        node.appendChild(el("button", { className: "fig" + (card.value === null ? " pending" : ""), type: "button",
          "data-figure": run.f.join(" "), text: run.t }));
      } else {
        node.appendChild(document.createTextNode(run.t));
      }
    });
    return node;
  }

  function copyButton(text, cite) {
    return iconButton(el("button", { className: "copy", type: "button",
      onclick: function (event) { event.stopPropagation(); copy("“" + text + "”\n— " + cite); } }), "copy", t("copy"));
  }

  function copy(text) {
    function fallback() {
      var area = el("textarea", { readonly: true });
      area.value = text;
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      toast(done ? t("copied") : t("copy_failed"));
    }
    window.__readerCopied = text;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { toast(t("copied")); }, fallback);
    } else { fallback(); }
  }

  function openSection(id, options, early) {
    var main = $("main");
    performance.mark("section-requested");
    return (early || api("section/" + encodeURIComponent(id), { lang: state.lang })).then(function (section) {
      state.section = section;
      state.figures = section.figures || {};
      renderSection(section);
      var target = null;
      if (options.footnote) {
        var marker = main.querySelector('.fn[data-footnote="' + Number(options.footnote) + '"]');
        if (marker) { toggleFootnote(marker); target = marker.parentNode.parentNode.nextSibling || marker; }
      } else if (options.line) {
        target = main.querySelector('.para[data-line="' + Number(options.line) + '"]');
      }
      if (target && target.scrollIntoView) {
        target.scrollIntoView({ block: "center" });
        if (target.classList.contains("para")) { target.classList.add("flash"); }
      } else { window.scrollTo(0, 0); }
      performance.mark("section-shown");
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        performance.mark("section-painted");
        document.body.setAttribute("data-painted", section.id);
      }); });
    }, function (error) { showError(error, function () { openSection(id, options); }); });
  }

  function renderSection(section) {
    var main = $("main");
    document.body.removeAttribute("data-painted");
    bar(section.heading);
    main.textContent = "";
    var parent = section.trail[section.trail.length - 1];
    if (parent) {  // the way up, on one line: the reference below says where the section stands
      main.appendChild(el("p", { className: "trail" }, [el("button", { type: "button", text: "‹ " + parent.heading,
        onclick: function () { go("section", parent.id); } })]));
    }
    main.appendChild(el("h1", { className: "section-title", id: "section-title", text: section.heading }));
    main.appendChild(el("p", { className: "reference", text: section.reference }));
    var layout = el("div", { className: "layout" + (section.summary.length ? " with-summary" : "") });
    if (section.summary.length) {
      var summary = el("details", { className: "summary", id: "summary", open: window.innerWidth >= 1000 },
        [el("summary", { text: t("summary") + " (" + section.summary.length + ")" })]);
      section.summary.forEach(function (item) {
        summary.appendChild(el("h3", { text: item.title }));
        summary.appendChild(el("p", { text: item.summary }));
        if (item.points.length) {
          summary.appendChild(el("ul", {}, item.points.map(function (p) { return el("li", { text: p }); })));
        }
      });
      layout.appendChild(summary);
    }
    var text = el("div", { className: "text", id: "text" });
    if (state.contents.meta.original) { text.appendChild(el("p", { className: "original-mark", text: state.contents.meta.original })); }
    if (!section.paragraphs.length) { text.appendChild(el("p", { className: "empty", text: t("no_text") })); }
    section.paragraphs.forEach(function (paragraph) {
      var p = runsInto(el("p"), paragraph.runs, state.figures);
      p.appendChild(copyButton(paragraph.plain, section.cite));
      text.appendChild(el("div", { className: "para", "data-line": paragraph.line }, [p]));
    });
    if (section.footnotes.length) {
      var notes = el("div", { className: "footnotes", id: "footnotes" }, [el("h3", { text: t("footnote", { n: "" }).trim() })]);
      section.footnotes.forEach(function (note) {
        var p = runsInto(el("p", { className: "footnote", "data-note": note.n }, [el("span", { className: "num", text: String(note.n) })]),
          note.runs, state.figures);
        p.appendChild(copyButton(note.plain, note.cite));
        notes.appendChild(p);
      });
      text.appendChild(notes);
    }
    layout.appendChild(text);
    main.appendChild(layout);
    if (section.children.length) {
      main.appendChild(el("div", { className: "children" }, [el("h3", { text: t("subsections") }),
        el("ul", { className: "link-list" }, section.children.map(function (child) {
          return el("li", {}, [el("button", { type: "button", text: child.heading, onclick: function () { go("section", child.id); } })]);
        }))]));
    }
    main.appendChild(el("div", { className: "pager" }, [
      el("button", { type: "button", id: "prev", disabled: !section.prev, text: "‹ " + t("previous"),
        onclick: function () { if (section.prev) { go("section", section.prev); } } }),
      el("button", { type: "button", id: "next", disabled: !section.next, text: t("next") + " ›",
        onclick: function () { if (section.next) { go("section", section.next); } } })
    ]));
    document.body.setAttribute("data-view", "section");
    document.body.setAttribute("data-section", section.id);
  }

  function toggleFootnote(marker) {
    var number = Number(marker.getAttribute("data-footnote"));
    var para = marker.closest(".para");
    if (!para) { return; }
    var open = para.parentNode.querySelector('.fn-open[data-footnote="' + number + '"]');
    if (open) {
      open.parentNode.removeChild(open);
      marker.setAttribute("aria-expanded", "false");
      return;
    }
    var note = (state.section.footnotes || []).filter(function (n) { return n.n === number; })[0];
    if (!note) { return; }
    var box = el("aside", { className: "fn-open", "data-footnote": number, role: "note" }, [
      el("div", { className: "fn-head" }, [el("span", { text: t("footnote", { n: number }) }),
        iconButton(el("button", { className: "icon", type: "button",
          onclick: function () { toggleFootnote(marker); } }), "close", t("close"))]),
      runsInto(el("p"), note.runs, state.figures)
    ]);
    var after = para.nextSibling;
    while (after && after.classList && after.classList.contains("fn-open")) { after = after.nextSibling; }
    para.parentNode.insertBefore(box, after);
    marker.setAttribute("aria-expanded", "true");
  }

  // ---------------------------------------------------------------- a figure's card
  function closeSheet() { $("sheet").hidden = true; document.body.classList.remove("sheet-open"); }

  function openFigure(id, others) {
    var known = state.figures[id];
    var shown = known ? Promise.resolve(known) : api("figure/" + encodeURIComponent(id), { lang: state.lang });
    return shown.then(function (card) { state.figures[id] = card; renderCard(card, others || []); },
      function (error) { if (error.status === 401 || error.status === 403) { showError(error); } else { toast(t("offline")); } });
  }

  function renderCard(card, others) {
    $("sheet-title").textContent = card.label;
    var body = $("sheet-body");
    body.textContent = "";
    var node = el("div", { className: "card", "data-card": card.id });
    node.appendChild(el("p", { className: "card-value", text: card.value === null ? "⏳ " + t("not_given") : card.value }));
    node.appendChild(el("p", { className: "card-kind", text: card.kind + (card.period ? " (" + card.period + ")" : "") }));
    if (card.status) { node.appendChild(el("p", { className: "card-status", text: card.status })); }
    if (card.value === null) { node.appendChild(el("p", { className: "card-note", text: t("pending") })); }
    if (card.notice) { node.appendChild(el("p", { className: "card-notice", text: "⚠️ " + card.notice })); }
    if (card.compare.length) {
      node.appendChild(el("h4", { text: t("compared") }));
      node.appendChild(el("ul", {}, card.compare.map(function (c) {
        return el("li", {}, [c.relation + ": ", el("b", { text: c.value === null ? t("not_given") : c.value }),
          c.period && c.label.indexOf(c.period) < 0 ? " (" + c.period + ") — " : " — ",
          el("button", { className: "link", type: "button", text: c.label, onclick: function () { openFigure(c.id); } })]);
      })));
    }
    if (card.note) { node.appendChild(el("p", { className: "card-note", text: "📝 " + card.note })); }
    card.notes.forEach(function (n) {
      node.appendChild(el("h4", { text: "⚠️ " + t("note") + " " + n.title }));
      node.appendChild(el("p", { className: "card-note", text: n.text }));
    });
    node.appendChild(el("h4", { text: state.contents.meta.original || t("exact") }));
    node.appendChild(el("blockquote", { lang: "vi", text: card.quote }));
    node.appendChild(el("p", { className: "source", text: "📍 " + t("source", { reference: card.reference }) }));
    var actions = el("div", { className: "actions" });
    if (!state.section || state.section.id !== card.section) {
      actions.appendChild(el("button", { type: "button", text: "📜 " + t("open_section"),
        onclick: function () { closeSheet(); go("section", card.section, { footnote: card.footnote }); } }));
    }
    card.items.forEach(function (item) {
      actions.appendChild(el("button", { type: "button", text: "📄 " + item.title, onclick: function () {
        closeSheet();
        var here = state.section && state.section.id === item.section && $("summary");
        if (here) { here.open = true; here.scrollIntoView({ block: "start" }); } else { go("section", item.section); }
      } }));
    });
    others.filter(function (o) { return o !== card.id; }).forEach(function (other) {
      var known = state.figures[other];
      actions.appendChild(el("button", { type: "button", text: "📊 " + (known ? known.label : t("figure")),
        onclick: function () { openFigure(other); } }));
    });
    if (actions.childNodes.length) { node.appendChild(actions); }
    body.appendChild(node);
    $("sheet").hidden = false;
    iconButton($("sheet-close"), "close", t("close"));
    document.body.classList.add("sheet-open");
    $("sheet-body").parentNode.scrollTop = 0;
  }

  // ---------------------------------------------------------------- search
  function showSearch(text) {
    var main = $("main");
    bar(t("search"));
    main.textContent = "";
    var input = el("input", { type: "search", id: "search-input", enterkeyhint: "search", autocomplete: "off",
      placeholder: t("search_placeholder"), "aria-label": t("search") });
    input.value = text || "";
    var form = el("form", { className: "search-form", role: "search" }, [input,
      iconButton(el("button", { type: "submit" }), "search", t("search"))]);
    var results = el("div", { className: "results", id: "results", "aria-live": "polite" });
    var timer = null;
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); runSearch(input.value, results); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { runSearch(input.value, results); }, 400); });
    main.appendChild(form);
    main.appendChild(el("p", { className: "hint", text: t("search_hint") }));
    main.appendChild(results);
    document.body.setAttribute("data-view", "search");
    if (text) { runSearch(text, results); } else { input.focus(); }
  }

  function withPeriod(label, period) {  // "… 2021-2025" already says its period
    return period && label.indexOf(period) < 0 ? label + " (" + period + ")" : label;
  }

  function figureRow(figure) {
    return el("button", { className: "result", type: "button", "data-figure": figure.id, onclick: function () { openFigure(figure.id); } }, [
      el("span", { className: "ref", text: withPeriod(figure.label, figure.period) }),
      el("span", { className: "value", text: figure.value === null ? t("not_given") : figure.value })]);
  }

  function runSearch(text, results) {
    text = text.trim();
    state.searchText = text;
    if (state.view && state.view.name === "search") { state.view.arg = text; }
    if (!text) { results.textContent = ""; return; }
    results.textContent = t("searching");
    api("search", { q: text, lang: state.lang }).then(function (found) {
      if (found.query !== state.searchText.split(/\s+/).join(" ")) { return; }
      results.textContent = "";
      found.messages.forEach(function (m) { results.appendChild(el("p", { className: "message", text: m })); });
      (found.examples || []).forEach(function (e) {
        results.appendChild(el("button", { className: "result", type: "button", text: "🔎 " + e,
          onclick: function () { $("search-input").value = e; runSearch(e, results); } }));
      });
      if (found.figures.length) {
        results.appendChild(el("h3", { text: t("figures_answer") }));
        found.figures.forEach(function (f) { results.appendChild(figureRow(f)); });
      }
      if (found.item) {
        results.appendChild(el("button", { className: "result", type: "button", onclick: function () { go("section", found.item.section); } }, [
          el("span", { className: "ref", text: "📄 " + found.item.title }), el("span", { text: found.item.summary })]));
      }
      if (found.near.length) {
        results.appendChild(el("h3", { text: t("perhaps") }));
        found.near.forEach(function (f) { results.appendChild(figureRow(f)); });
      }
      if (found.passages.length) {
        results.appendChild(el("h3", { text: found.count || t("passages") }));
        found.passages.forEach(function (hit) {
          var snippet = el("span");
          hit.runs.forEach(function (run) { snippet.appendChild(run.m ? el("mark", { text: run.t }) : document.createTextNode(run.t)); });
          results.appendChild(el("button", { className: "result passage", type: "button", "data-section": hit.section,
            onclick: function () { go("section", hit.section, { line: hit.footnote ? null : hit.line, footnote: hit.footnote }); } },
          [el("span", { className: "ref", text: hit.reference }), snippet]));
        });
      }
      document.body.setAttribute("data-searched", found.query);
    }, function (error) { results.textContent = ""; results.appendChild(el("p", { className: "message error",
      text: error.status === 429 ? t("slow") : error.status === 401 ? t("expired") : t("offline") })); });
  }

  // ---------------------------------------------------------------- language
  function switchLanguage() {
    var other = $("lang-button").getAttribute("data-lang");
    state.lang = other;
    return loadContents().then(function () {
      var view = state.view || { name: "toc" };
      state.figures = {};
      if (view.name === "section") { return openSection(view.arg, {}); }
      if (view.name === "search") { return showSearch(state.searchText); }
      return showContents();
    }, function (error) { showError(error, switchLanguage); });
  }

  // ---------------------------------------------------------------- start
  function start() {
    applyTheme();
    var guess = "vi";
    try { guess = sessionStorage.getItem("reader-lang") || ""; } catch (e) { guess = ""; }
    var user = tg && tg.initDataUnsafe && tg.initDataUnsafe.user;
    state.lang = guess || (user && /^en/i.test(user.language_code || "") ? "en" : "vi");
    if (!tg || !tg.initData) { showError(new ApiError(401, {})); return; }
    if (tg.ready) { tg.ready(); }
    if (tg.expand) { tg.expand(); }
    if (tg.onEvent) {
      tg.onEvent("themeChanged", applyTheme);
      if (tg.BackButton && tg.BackButton.onClick) { tg.BackButton.onClick(back); }
    }
    $("toc-button").addEventListener("click", function () { closeSheet(); go("toc"); });
    $("search-button").addEventListener("click", function () { closeSheet(); go("search", state.searchText); });
    $("lang-button").addEventListener("click", switchLanguage);
    $("sheet-close").addEventListener("click", closeSheet);
    $("sheet-backdrop").addEventListener("click", closeSheet);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { closeSheet(); } });
    $("main").addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest(".fn, .fig") : null;
      if (!target) { return; }
      if (target.classList.contains("fn")) { toggleFootnote(target); return; }
      var ids = target.getAttribute("data-figure").split(" ");
      openFigure(ids[0], ids);
    });
    boot();
  }

  function boot() {
    var asked = new URLSearchParams(window.location.search).get("s");
    // A 📖 button names its section: ask for it together with the contents, not after them.
    var early = asked ? api("section/" + encodeURIComponent(asked), { lang: state.lang }) : null;
    if (early) { early.catch(function () { return null; }); }
    loadContents().then(function (contents) {
      var known = contents.toc.map(function (e) { return e.id; });
      var first = [asked, contents.start].filter(function (s) { return s && known.indexOf(s) >= 0; })[0];
      var same = first === asked && contents.lang === state.lang;
      state.view = { name: first ? "section" : "toc", arg: first, options: {} };
      if (first) { openSection(first, {}, same ? early : null); } else { showContents(); }
    }, function (error) { showError(error, boot); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
