// Quiz attempt pages: saves each answer as it is given, flags, and a server-synced
// countdown. Every page works without this script (plain form posts).
(function () {
  "use strict";

  // Django's JavaScript catalogue (/jsi18n/, loaded by base.html): the page's language.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj, named) {
    return named
      ? fmt.replace(/%\(\w+\)s/g, function (match) { return String(obj[match.slice(2, -2)]); })
      : fmt.replace(/%s/g, function () { return String(obj.shift()); });
  };

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) {
    var status = document.getElementById("quiz-status");
    if (status) status.textContent = text;
  }

  // --- countdown ------------------------------------------------------------------
  var timer = document.getElementById("quiz-timer");
  var deadline = null;
  if (timer) {
    var valueEl = timer.querySelector("[data-timer-value]");
    var announceEl = timer.querySelector("[data-timer-announce]");
    var announced = {};
    var marks = [600, 300, 60, 30];
    var setRemaining = function (seconds) {
      if (seconds === null || seconds === undefined) return;
      deadline = Date.now() + seconds * 1000;
    };
    setRemaining(parseInt(timer.getAttribute("data-remaining"), 10));
    var format = function (seconds) {
      var h = Math.floor(seconds / 3600);
      var m = Math.floor((seconds % 3600) / 60);
      var s = seconds % 60;
      var mm = (h ? String(m).padStart(2, "0") : String(m));
      return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
    };
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      valueEl.textContent = format(left);
      timer.classList.toggle("is-low", left <= 60);
      marks.forEach(function (mark) {
        if (left <= mark && left > mark - 5 && !announced[mark]) {
          announced[mark] = true;
          var minutes = Math.round(mark / 60);
          announceEl.textContent = mark >= 60
            ? interpolate(ngettext("%(count)s minute left.", "%(count)s minutes left.", minutes), { count: minutes }, true)
            : interpolate(ngettext("%(count)s second left.", "%(count)s seconds left.", mark), { count: mark }, true);
        }
      });
      if (left <= 0) {
        window.clearInterval(interval);
        announceEl.textContent = gettext("Time is up. Your answers are being submitted.");
        window.location.href = timer.getAttribute("data-result-url");
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
    var sync = function () {
      fetch(timer.getAttribute("data-time-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.redirect) { window.location.href = data.redirect; return; }
          setRemaining(data.remaining);
        })
        .catch(function () {});
    };
    window.setInterval(sync, 60000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) sync();
    });
    window.quizSetRemaining = setRemaining;
  }

  // --- saving answers as they are given ---------------------------------------------
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch) return;
  var saveUrl = form.getAttribute("data-save-url");
  var flagUrl = form.getAttribute("data-flag-url");

  // What a screen reader hears after a question's number in the question list.
  function navStateText(answered, flagged) {
    return ", " + (answered ? gettext("answered") : gettext("not answered")) +
      (flagged ? ", " + gettext("flagged") : "");
  }

  function navItem(position) {
    return form.querySelector("[data-nav='" + position + "']");
  }

  // One save at a time per question: a change made while a save is in flight is sent
  // after it, with the new version (otherwise the server would refuse it as out of date).
  var inFlight = 0;
  var waitingSubmitter = null;
  var submitWaiting = false;

  function save(fieldset) {
    if (fieldset.quizSaving) {
      fieldset.quizPending = true;
      return;
    }
    fieldset.quizSaving = true;
    inFlight += 1;
    send(fieldset).then(function () {
      fieldset.quizSaving = false;
      inFlight -= 1;
      if (fieldset.quizPending) {
        fieldset.quizPending = false;
        save(fieldset);
      } else if (inFlight === 0 && submitWaiting) {
        var submitter = waitingSubmitter;
        submitWaiting = false;
        waitingSubmitter = null;
        if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
      }
    });
  }

  // Navigating while a save is in flight waits for it, so the page form carries the
  // new versions (and is not refused as out of date).
  form.addEventListener("submit", function (event) {
    if (inFlight > 0) {
      event.preventDefault();
      submitWaiting = true;
      waitingSubmitter = event.submitter || null;
    }
  });

  function send(fieldset) {
    var position = fieldset.getAttribute("data-position");
    var prefix = "q" + position + "-";
    var body = new FormData();
    body.append("position", position);
    Array.prototype.forEach.call(fieldset.querySelectorAll("input, select, textarea"), function (el) {
      if (!el.name || el.name.indexOf(prefix) !== 0) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      body.append(el.name, el.value);
    });
    var state = fieldset.querySelector("[data-save-state]");
    state.textContent = gettext("Saving…");
    return fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (result.status === 200 && data.ok) {
        fieldset.querySelector("[data-version]").value = data.version;
        state.textContent = gettext("Saved.");
        var label = fieldset.querySelector("[data-answered-label]");
        if (label) label.textContent = data.answered ? " · " + gettext("answered") : "";
        var nav = navItem(position);
        if (nav) {
          nav.classList.toggle("is-answered", data.answered);
          var navState = nav.querySelector("[data-nav-state]");
          if (navState) {
            navState.textContent = navStateText(data.answered, nav.classList.contains("is-flagged"));
          }
        }
        if (window.quizSetRemaining) window.quizSetRemaining(data.remaining);
      } else if (data.redirect) {
        window.location.href = data.redirect;
      } else {
        state.textContent = data.error || gettext("Not saved.");
        say(data.error || gettext("Not saved."));
      }
    }).catch(function () {
      state.textContent = gettext("Not saved: no connection. Your answer will be sent with the page.");
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset) save(fieldset);
  });

  // Typed answers are also saved after a short pause, not only when leaving the field.
  var typingTimers = {};
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text" && event.target.tagName !== "TEXTAREA") return;
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    var position = fieldset.getAttribute("data-position");
    window.clearTimeout(typingTimers[position]);
    typingTimers[position] = window.setTimeout(function () { save(fieldset); }, 2000);
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-flag]");
    if (!button) return;
    event.preventDefault();
    var fieldset = button.closest("fieldset[data-position]");
    var position = fieldset.getAttribute("data-position");
    var flagged = button.getAttribute("aria-pressed") !== "true";
    var body = new FormData();
    body.append("position", position);
    body.append("flagged", flagged ? "true" : "false");
    fetch(flagUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form) }
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (!data.ok) return;
      button.setAttribute("aria-pressed", flagged ? "true" : "false");
      button.querySelector("[data-flag-label]").textContent = flagged ? gettext("Flagged for review") : gettext("Flag for review");
      var nav = navItem(position);
      if (nav) {
        nav.classList.toggle("is-flagged", flagged);
        var mark = nav.querySelector(".quiz-flag-mark");
        if (flagged && !mark) {
          mark = document.createElement("span");
          mark.className = "quiz-flag-mark";
          mark.setAttribute("aria-hidden", "true");
          mark.textContent = "\u2691";
          nav.appendChild(mark);
        } else if (!flagged && mark) {
          mark.remove();
        }
        var navState = nav.querySelector("[data-nav-state]");
        if (navState) {
          navState.textContent = navStateText(nav.classList.contains("is-answered"), flagged);
        }
      }
      say(flagged ? gettext("Question flagged.") : gettext("Flag removed."));
    });
  });
})();
