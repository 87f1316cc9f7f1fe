/* treu cookie banner. Written for treu; no dependencies.
 * treu serves this file at /consent/banner.js with the policy's configuration and the
 * stylesheet filled in below.  Embed: <script src="https://treu.example/consent/banner.js" defer>
 * Scripts wait as <script type="text/plain" data-treu-purpose="analytics"> (inline or
 * data-src) until the visitor consents to every purpose they name. */
(function (C, CSS) {
  "use strict";
  var d = document, w = window, me = d.currentScript;
  if (!C || w.treuConsent) return;
  var lang = /^en/i.test(d.documentElement.lang) ? "en" : "de";
  var V = C.view[lang], U = V.ui;
  var API = new URL("decisions", me ? me.src : location.href).href;
  var stored = read(), granted = current(stored), host, root, ov, dlg, layer, back, busy;

  /* treu_consent = 1.<consent id or ->.<config version>.<granted, + separated, or ->.<seconds> */
  function read() {
    var m = d.cookie.match(new RegExp("(?:^|; )" + C.cookie + "=([^;]*)"));
    var p = m ? m[1].split(".") : [];
    if (p.length !== 5 || p[0] !== "1") return null;
    return { id: p[1] === "-" ? null : p[1], v: p[2], g: p[3] === "-" ? [] : p[3].split("+"), t: +p[4] };
  }
  function valid(s) {
    return !!s && s.v === C.version && Date.now() - s.t * 1000 < C.lifetime_days * 864e5;
  }
  function current(s) {
    return valid(s) ? s.g.filter(function (p) { return C.purposes.indexOf(p) >= 0; }) : [];
  }
  function write(id, g) {
    var now = Math.floor(Date.now() / 1000);
    stored = { id: id, v: C.version, g: g, t: now };
    d.cookie = C.cookie + "=" + ["1", id || "-", C.version, g.join("+") || "-", now].join(".") +
      "; Max-Age=" + C.lifetime_days * 86400 + "; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  /* Activate waiting scripts and embeds whose purposes are all granted. */
  function activate() {
    var els = d.querySelectorAll("[data-treu-purpose]:not([data-treu-done])");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], need = el.getAttribute("data-treu-purpose").split(/\s+/), ok = true;
      for (var j = 0; j < need.length; j++) if (granted.indexOf(need[j]) < 0) ok = false;
      if (!ok) continue;
      if (el.tagName === "SCRIPT") {
        var s = d.createElement("script");
        for (var k = 0; k < el.attributes.length; k++) {
          var a = el.attributes[k];
          if (a.name !== "type" && a.name !== "data-src") s.setAttribute(a.name, a.value);
        }
        if (el.getAttribute("data-type")) s.type = el.getAttribute("data-type");
        if (el.nonce) s.nonce = el.nonce;
        if (el.getAttribute("data-src")) s.src = el.getAttribute("data-src");
        else s.text = el.text;
        s.setAttribute("data-treu-done", "");
        el.parentNode.replaceChild(s, el);
      } else {
        el.setAttribute("data-treu-done", "");
        if (el.getAttribute("data-src")) el.src = el.getAttribute("data-src");
      }
    }
    d.dispatchEvent(new CustomEvent("treu:consent", { detail: { granted: granted.slice() } }));
  }

  /* Withdrawal: remove the purposes' first-party cookies and storage entries. */
  function erase(purposes) {
    var names = d.cookie.split("; ").map(function (c) { return c.split("=")[0]; });
    var parts = location.hostname.split("."), domains = [""];
    for (var i = 0; i < parts.length - 1; i++) domains.push("; Domain=" + parts.slice(i).join("."));
    purposes.forEach(function (p) {
      (C.erase[p] || []).forEach(function (c) {
        if (c.kind === "local_storage" || c.kind === "session_storage") {
          try { w[c.kind === "local_storage" ? "localStorage" : "sessionStorage"].removeItem(c.name); } catch (e) { /* blocked */ }
          return;
        }
        names.forEach(function (n) {
          if (n === c.name || (n.indexOf(c.name) === 0 && /[._-]/.test(n.charAt(c.name.length)))) {
            domains.forEach(function (dm) { d.cookie = n + "=; Max-Age=0; Path=/" + dm; });
          }
        });
      });
    });
  }

  function decide(g) {
    if (busy) return;
    busy = true;
    var before = granted, id = stored && stored.id;
    var body = {
      consent_id: id || null, granted: g,
      denied: C.purposes.filter(function (p) { return g.indexOf(p) < 0; }),
      config_version: C.version, notice_version: V.notice_version, text_hash: C.hash[lang], lang: lang
    };
    fetch(API, {
      method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) throw r;
      return r.json();
    }).then(function (res) { done(res.consent_id, g, before); }, function () {
      busy = false;
      /* A refusal needs no proof and is kept; a consent that treu has not recorded is not used. */
      if (!g.length) done(id, g, before);
      else show(layer, U.error);
    });
  }
  function done(id, g, before) {
    busy = false;
    write(id, g);
    granted = g;
    hide();
    var gone = before.filter(function (p) { return g.indexOf(p) < 0; });
    if (gone.length) { erase(gone); location.reload(); } else activate();
  }

  /* --- the dialog ---------------------------------------------------------------------- */
  function el(tag, attrs, kids) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function btn(cls, action, text) { return el("button", { type: "button", "class": cls, "data-a": action, text: text }); }
  function choices() {
    return el("div", { "class": "acts" }, [btn("b", "reject", U.reject), btn("b", "accept", U.accept)]);
  }
  function table(rows, withProvider) {
    var cols = ["name", "provider", "kind", "lifetime", "purpose"].filter(function (c) { return withProvider || c !== "provider"; });
    return el("table", {}, [
      el("thead", {}, [el("tr", {}, cols.map(function (c) { return el("th", { scope: "col", text: U[c] }); }))]),
      el("tbody", {}, rows.map(function (r) {
        return el("tr", {}, cols.map(function (c) { return el("td", { text: r[c] }); }));
      }))
    ]);
  }
  function build() {
    host = el("div", { id: "treu-consent" });
    root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root.adoptedStyleSheets && w.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: CSS }));
    }
    var purposes = el("ul", {}, V.purposes.map(function (p) { return el("li", { text: p.label }); }));
    var third = V.third_parties.length
      ? el("ul", {}, V.third_parties.map(function (t) { return el("li", { text: t.name + " – " + t.where }); }))
      : null;
    var one = el("section", { "class": "l1" }, [
      el("h2", { id: "t1", text: U.title }),
      el("div", { id: "d1" }, [
        el("p", { text: U.intro }), purposes,
        el("p", { text: third ? U.third : U.no_third }), third,
        V.risk ? el("p", { text: U.risk }) : null,
        el("p", { text: U.voluntary }), el("p", { text: U.withdraw })
      ]),
      el("p", {}, [el("a", { href: V.notice_url, target: "_blank", rel: "noopener", text: U.notice })]),
      choices(),
      btn("s", "more", U.more)
    ]);
    var two = el("section", { "class": "l2", hidden: "" }, [
      el("h2", { id: "t2", text: U.title2 }),
      el("p", { id: "d2", text: U.intro2 })
    ].concat(V.purposes.map(function (p) {
      var id = "treu-p-" + p.id;
      return el("div", { "class": "p" }, [
        el("div", { "class": "row" }, [
          el("input", { type: "checkbox", id: id, name: p.id, "aria-describedby": id + "-d" }),
          el("label", { "for": id, text: p.label })
        ]),
        el("p", { id: id + "-d", text: p.description }),
        el("details", {}, [
          el("summary", { text: U.details }),
          el("ul", {}, p.vendors.map(function (v) { return el("li", { text: v.name + " – " + v.where }); })),
          table(p.cookies, true)
        ])
      ]);
    }), [
      el("div", { "class": "p" }, [
        el("div", { "class": "row" }, [el("h3", { text: V.necessary.label }), el("span", { "class": "on", text: U.always })]),
        el("p", { text: V.necessary.reason }),
        el("details", {}, [el("summary", { text: U.details }), table(V.necessary.cookies, true)])
      ]),
      choices(),
      el("div", { "class": "acts" }, [btn("s", "save", U.save), btn("s", "back", U.back)])
    ]));
    dlg = el("div", { "class": "dlg", role: "dialog", "aria-modal": "true", tabindex: "-1" }, [
      el("p", { "class": "err", role: "alert" }), one, two, btn("x", "close", "×")
    ]);
    dlg.querySelector(".x").setAttribute("aria-label", U.close);
    ov = el("div", { "class": "ov", hidden: "" }, [dlg]);
    root.appendChild(ov);
    if (!d.querySelector("[data-treu-consent-open]")) {
      root.appendChild(el("button", { type: "button", "class": "fab", "data-a": "open", text: U.reopen }));
    }
    root.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("[data-a]");
      if (a) act(a.getAttribute("data-a"));
    });
    dlg.addEventListener("keydown", keys);
    d.addEventListener("click", function (e) {
      var o = e.target.closest && e.target.closest("[data-treu-consent-open]");
      if (o) { e.preventDefault(); open(); }
    });
    d.body.appendChild(host);
  }
  function act(a) {
    if (a === "accept") decide(C.purposes.slice());
    else if (a === "reject") decide([]);
    else if (a === "save") {
      decide(C.purposes.filter(function (p) { return dlg.querySelector("#treu-p-" + p).checked; }));
    } else if (a === "more") show(2);
    else if (a === "back") show(1);
    else if (a === "close") hide();
    else if (a === "open") open();
  }
  function open() {
    if (!ov.hidden) return;
    C.purposes.forEach(function (p) { dlg.querySelector("#treu-p-" + p).checked = granted.indexOf(p) >= 0; });
    back = d.activeElement;
    show(1);
  }
  function show(n, error) {
    layer = n;
    ov.hidden = false;
    var fab = root.querySelector(".fab");
    if (fab) fab.hidden = true;
    dlg.querySelector(".l1").hidden = n !== 1;
    dlg.querySelector(".l2").hidden = n !== 2;
    dlg.setAttribute("aria-labelledby", "t" + n);
    dlg.setAttribute("aria-describedby", "d" + n);
    dlg.querySelector(".err").textContent = error || "";
    if (!error) dlg.focus();
  }
  function hide() {
    ov.hidden = true;
    var fab = root.querySelector(".fab");
    if (fab) fab.hidden = false;
    if (back && back.focus && back !== d.body) back.focus();
    else if (fab) fab.focus();
  }
  function keys(e) {
    if (e.key === "Escape") {
      e.preventDefault();
      if (layer === 2) { show(1); dlg.querySelector("[data-a=more]").focus(); } else hide();
      return;
    }
    if (e.key !== "Tab") return;
    var f = [].filter.call(dlg.querySelectorAll("button, a[href], input, summary"), function (x) {
      return x.getClientRects().length > 0;
    });
    var first = f[0], last = f[f.length - 1], at = root.activeElement;
    if (e.shiftKey && (at === first || at === dlg)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && at === last) { e.preventDefault(); first.focus(); }
  }

  function init() {
    build();
    w.treuConsent = { open: open, granted: function () { return granted.slice(); } };
    activate();
    if (!valid(stored)) show(1);
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init);
  else init();
})(/*CONFIG*/null, /*CSS*/"");
