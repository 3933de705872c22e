// mfaportal: countdowns from server time, times of day in the member's
// zone, the country picker's example number, and focus and announcements
// after a page change. No dependencies, no eval; works
// with or without htmx.
(function () {
  'use strict';
  var timer = 0;

  // htmx's configuration. Both scripts are deferred, so this runs after
  // htmx loads and before the document is ready, when htmx starts. Under
  // our CSP htmx must not inject its indicator <style>, evaluate strings
  // or run scripts from responses; pages hold codes and tokens, so none is
  // kept in its history cache, and a history miss reloads the page for
  // real. Error pages (4xx/5xx) are swapped in like any other page instead
  // of being dropped, htmx's default. (It used to be a <meta> on every
  // page: 461 bytes each, to render and to compress.)
  if (window.htmx) {
    var config = window.htmx.config;
    config.includeIndicatorStyles = false;
    config.allowEval = false;
    config.allowScriptTags = false;
    config.historyCacheSize = 0;
    config.refreshOnHistoryMiss = true;
    config.responseHandling = [
      {code: '204', swap: false},
      {code: '[23]..', swap: true},
      {code: '[45]..', swap: true, error: true},
      {code: '...', swap: false}
    ];
  }

  // Seconds since the epoch on the server's clock: data-now on <main> plus
  // the time since that <main> arrived, so a wrong browser clock is harmless.
  function serverNow(main) {
    if (!main.mfaArrived) main.mfaArrived = Date.now();
    var base = Number(main.getAttribute('data-now')) || main.mfaArrived / 1000;
    return base + (Date.now() - main.mfaArrived) / 1000;
  }

  function tick() {
    var main = document.getElementById('main'), pending = false;
    clearTimeout(timer);
    if (!main) return;
    var now = serverNow(main);
    localTimes(main, now);
    main.querySelectorAll('[data-countdown]').forEach(function (el) {
      // The server refuses an early resend anyway (and the button works
      // without JavaScript); here it says it is not yet available but
      // stays focusable, described by the countdown note.
      var left = Math.ceil(Number(el.getAttribute('data-countdown')) - now);
      var box = el.closest('[data-resend]') || main;
      box.querySelectorAll('[data-resend] button').forEach(function (b) {
        if (left > 0) b.setAttribute('aria-disabled', 'true'); else b.removeAttribute('aria-disabled');
      });
      if (left > 0) { el.textContent = String(left); pending = true; return; }
      // The note is a polite live region: this sentence is announced.
      var note = el.closest('[data-countdown-note]');
      // Its words come from the page, in the page's language.
      if (note) note.textContent = note.getAttribute('data-done-text'); else el.remove();
    });
    main.querySelectorAll('[data-expires-at]').forEach(function (el) {
      var exp = Number(el.getAttribute('data-expires-at'));
      if (exp > now) {
        pending = true;
        return;
      }
      el.textContent = el.getAttribute('data-expired-text');
      el.removeAttribute('data-expires-at');
    });
    if (pending) timer = setTimeout(tick, 1000);
  }

  // Every time of day the server wrote ("16:22 UTC", with the instant in
  // datetime) is shown the same way: in the browser's zone and format, on
  // the browser's clock (the instant shifted by the clocks' difference).
  function localTimes(main, now) {
    main.querySelectorAll('time[data-local-time]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (el.mfaLocal || isNaN(at)) return;
      var local = new Date(Date.now() + (at / 1000 - now) * 1000);
      // In the page's language (an embedding host's <html> may differ).
      var langEl = el.closest('[lang]');
      var lang = langEl ? langEl.getAttribute('lang') : undefined;
      if (lang === 'ar') lang = 'ar-u-nu-latn'; // Western digits, as the server writes them
      try {
        el.textContent = local.toLocaleTimeString(lang, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
      } catch (err) {
        el.textContent = local.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
      }
      el.mfaLocal = true;
    });
  }

  // A resend button that is not available yet does nothing.
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button[aria-disabled="true"]');
    if (b) { e.preventDefault(); e.stopPropagation(); }
  }, true);

  // Swapped-in content brings its own role=status elements, which screen
  // readers do not announce: #mfa-announce, there from the first page load,
  // says the messages again.
  function announce(sel) {
    var region = document.getElementById('mfa-announce');
    if (!region) return;
    var text = Array.prototype.map.call(document.querySelectorAll(sel), function (el) {
      return el.textContent.replace(/\s+/g, ' ').trim();
    }).filter(Boolean).join(' ');
    region.textContent = '';
    if (text) setTimeout(function () { region.textContent = text; }, 150);
  }

  // The number's placeholder and hint follow the selected country.
  document.addEventListener('change', function (e) {
    var sel = e.target;
    if (!sel.matches || !sel.matches('select[name="region"]') || !sel.form) return;
    var opt = sel.options[sel.selectedIndex], example = opt && opt.getAttribute('data-example');
    if (!example) return;
    var input = sel.form.querySelector('input[name="number"]'), hint = sel.form.querySelector('[data-example-hint]');
    if (input) input.placeholder = example;
    if (hint) {
      // The words around the example, then the example itself, isolated
      // left to right as the server writes it.
      var words = (hint.getAttribute('data-example-hint') || '{example}').split('{example}');
      var bdi = document.createElement('bdi');
      bdi.className = 'mfa-ltr';
      bdi.dir = 'ltr';
      bdi.textContent = example;
      hint.replaceChildren(words[0], bdi, words.slice(1).join(''));
    }
  });

  // After a swap: the error summary, else the field to fill in, else the
  // heading. On a full page load the browser already honours autofocus,
  // and the heading stays unfocused so the skip link comes first.
  function settle(swapped) {
    tick();
    var target = document.getElementById('error-summary') ||
      (swapped && (document.querySelector('#main [autofocus]') || document.querySelector('#main h1')));
    if (target) target.focus();
    if (swapped) announce('#main .mfa-flash, #main .mfa-alert[role="status"]');
  }

  document.addEventListener('htmx:afterSettle', function (e) {
    if (e.target && e.target.id === 'main') settle(true);
    // A filtered or paged member table: focus the new results, so screen
    // readers and keyboards start there.
    if (e.target && e.target.id === 'mfa-members') {
      e.target.focus();
      announce('#mfa-members .mfa-summary, #mfa-members .mfa-caption-detail, #mfa-members .mfa-note');
    }
  });
  settle(false);
})();
