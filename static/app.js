// mfaportal: countdowns from server time, the country picker's example
// number, and focus after a page change. No dependencies, no eval; works
// with or without htmx.
(function () {
  'use strict';
  var timer = 0;

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
    main.querySelectorAll('[data-countdown]').forEach(function (el) {
      // The server refuses an early resend anyway (and the button works
      // without JavaScript); here it is disabled until the countdown ends.
      var left = Math.ceil(Number(el.getAttribute('data-countdown')) - now);
      var box = el.closest('[data-resend]') || main;
      box.querySelectorAll('[data-resend] button').forEach(function (b) { b.disabled = left > 0; });
      if (left > 0) { el.textContent = String(left); pending = true; return; }
      (el.closest('[data-countdown-note]') || el).remove();
    });
    main.querySelectorAll('[data-expires-at]').forEach(function (el) {
      var exp = Number(el.getAttribute('data-expires-at'));
      if (exp > now) {
        // The server wrote the time in UTC; show it in the browser's own zone.
        if (!el.mfaLocal) {
          var at = new Date(Date.now() + (exp - now) * 1000);
          el.textContent = 'This code expires at ' + at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + '.';
          el.mfaLocal = true;
        }
        pending = true;
        return;
      }
      el.textContent = 'This code has expired — ask for a new one.';
      el.removeAttribute('data-expires-at');
    });
    if (pending) timer = setTimeout(tick, 1000);
  }

  // The number's placeholder and hint follow the selected country.
  document.addEventListener('change', function (e) {
    var sel = e.target;
    if (!sel.matches || !sel.matches('select[name="region"]') || !sel.form) return;
    var opt = sel.options[sel.selectedIndex], example = opt && opt.getAttribute('data-example');
    if (!example) return;
    var input = sel.form.querySelector('input[name="number"]'), hint = sel.form.querySelector('[data-example-hint]');
    if (input) input.placeholder = example;
    if (hint) hint.textContent = 'Example: ' + example;
  });

  // After a swap: the error summary, else the field to fill in, else the
  // heading. On a full page load the browser already honours autofocus,
  // and the heading stays unfocused so the skip link comes first.
  function settle(swapped) {
    tick();
    var target = document.getElementById('error-summary') ||
      (swapped && (document.querySelector('#main [autofocus]') || document.querySelector('#main h1')));
    if (target) target.focus();
  }

  document.addEventListener('htmx:afterSettle', function (e) {
    if (e.target && e.target.id === 'main') settle(true);
    // A filtered or paged member table: focus the new results, so screen
    // readers and keyboards start there.
    if (e.target && e.target.id === 'mfa-members') e.target.focus();
  });
  settle(false);
})();
