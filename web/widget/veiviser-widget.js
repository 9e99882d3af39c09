/*
 * Veiviser web chat widget. One script tag embeds it on any page:
 *
 *   <script src="https://veiviser.example/widget/veiviser-widget.js" defer
 *           data-server="https://bot.veiviser.example" data-channel="/webhooks/web"></script>
 *
 * Self-contained on purpose: no framework, no build step, no font, image or
 * CDN. Nothing loads from the network but the bot's own channel, so it works
 * offline and tells nobody else that someone is looking for help.
 *
 * Safety and privacy rules this file keeps:
 * - Bot text is always inserted as text (textContent), never as HTML.
 * - When the server cannot be reached, 113 and the helplines are shown from here.
 * - The conversation is never stored in the browser; sessionStorage keeps only
 *   the random sender id, and "Slett samtalen" and the quick exit remove it.
 * - The position is sent only when the person presses "Bruk posisjonen min".
 *
 * docs/channels.md describes the data attributes and the messages exchanged.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var SENDER_KEY = "veiviser-sender";
  var MAX_CHARS = 2000;
  var REPLY_TIMEOUT_MS = 20000;
  var DOUBLE_ESCAPE_MS = 800;
  var DEFAULT_EXIT_URL = "https://www.yr.no";
  // C0 and C1 control characters except tab and newline, and the bidirectional
  // overrides that can make a message display differently from what it says.
  var CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
  // Norwegian phone numbers as the bot writes them: 113, 116 123, 22 40 00 40, 22 59 13 00.
  var PHONE_NUMBER = /(?:^|[^\d])(11[0-3]|116 ?\d{3}|\d{2} \d{2} \d{2} \d{2}|\d{3} ?\d{5}|\d{8})(?![\d])/g;

  // The widget's own words. What the bot says comes from the bot (bot/domain/).
  var LABELS = {
    nb: {
      open: "Chat med Veiviser",
      title: "Veiviser",
      subtitle: "Finn hjelp for rus. Du trenger ikke si hvem du er.",
      close: "Lukk chatten",
      quickExit: "Forlat siden",
      quickExitLong: "Forlat siden raskt. Du kan også trykke Esc to ganger.",
      quickExitHint: "Esc to ganger",
      crisis: "Ved overdose eller fare for liv: ring ",
      log: "Samtale med Veiviser",
      you: "Du:",
      bot: "Veiviser:",
      message: "Skriv en melding",
      placeholder: "F.eks. trenger hjelp med rus, bor i Bergen",
      send: "Send",
      sending: "Sender …",
      typing: "Veiviser skriver …",
      replies: "Svaralternativer",
      position: "Bruk posisjonen min",
      positionHint: "Posisjonen sendes bare når du trykker, og bare for å finne hjelp i nærheten.",
      positionAsking: "Henter posisjonen din …",
      positionShared: "Delte posisjonen min",
      positionFailed: "Fikk ikke tak i posisjonen. Du kan skrive stedet eller postnummeret i stedet.",
      forget: "Slett samtalen",
      forgotten: "Samtalen er slettet, også på serveren. Du har startet en ny, tom samtale.",
      forgottenHere: "Samtalen er fjernet fra skjermen, og du har startet en ny med en ny, tilfeldig ID. " +
        "Denne serveren kan ikke slette den gamle samtalen på forespørsel, men den er ikke lenger knyttet til deg.",
      empty: "Skriv en melding før du sender.",
      tooLong: "Meldingen er for lang ({count} tegn). Kort den ned til høyst {max} tegn og send igjen. Teksten din er ikke borte.",
      cleaned: "Usynlige kontrolltegn ble fjernet fra meldingen.",
      notSent: "Meldingen ble ikke sendt. Teksten din står fortsatt i feltet: prøv igjen om litt.",
      offline: "Jeg får ikke kontakt med Veiviser akkurat nå.",
      // The same numbers as the bot's own safety net (utter_safety_net in bot/domain/safety.yml);
      // tests/dialogue/test_safety_numbers.py checks each against the catalogue.
      offlineHelp: "Ved overdose eller fare for liv: ring 113. Tanker om å ta livet ditt: Mental Helse 116 123 " +
        "eller Kirkens SOS 22 40 00 40, hele døgnet. Spørsmål om rus: RUSinfo sin chat på rusinfo.no (hverdager 11–18).",
      call: "Ring {number}",
      map: "Vis på kart",
      mapArea: "Vis området på kart",
      mapAreaNote: "Adressen er ikke bekreftet.",
      website: "Nettside",
      newTab: " (åpnes i ny fane)",
      fits: "Passer",
      access: "Slik",
      hours: "Åpent",
      where: "Hvor",
      source: "Kilde",
      address: "Adresse",
      verified: "Sist kontrollert",
      report: "Meld feil",
      reportShown: "Meld feil: {name}"
    },
    nn: {
      open: "Chat med Veiviser",
      title: "Veiviser",
      subtitle: "Finn hjelp for rus. Du treng ikkje seie kven du er.",
      close: "Lukk chatten",
      quickExit: "Forlat sida",
      quickExitLong: "Forlat sida raskt. Du kan også trykkje Esc to gonger.",
      quickExitHint: "Esc to gonger",
      crisis: "Ved overdose eller fare for liv: ring ",
      log: "Samtale med Veiviser",
      you: "Du:",
      bot: "Veiviser:",
      message: "Skriv ei melding",
      placeholder: "T.d. treng hjelp med rus, bur i Bergen",
      send: "Send",
      sending: "Sender …",
      typing: "Veiviser skriv …",
      replies: "Svaralternativ",
      position: "Bruk posisjonen min",
      positionHint: "Vi sender posisjonen berre når du trykkjer, og berre for å finne hjelp i nærleiken.",
      positionAsking: "Hentar posisjonen din …",
      positionShared: "Delte posisjonen min",
      positionFailed: "Fekk ikkje tak i posisjonen. Du kan heller skrive staden eller postnummeret.",
      forget: "Slett samtalen",
      forgotten: "Samtalen er sletta, også på serveren. Du har starta ein ny, tom samtale.",
      forgottenHere: "Samtalen er fjerna frå skjermen, og du har starta ein ny med ein ny, tilfeldig ID. " +
        "Denne serveren kan ikkje slette den gamle samtalen på førespurnad, men han er ikkje lenger knytt til deg.",
      empty: "Skriv ei melding før du sender.",
      tooLong: "Meldinga er for lang ({count} teikn). Kort ho ned til høgst {max} teikn, og send på nytt. Teksten din er ikkje borte.",
      cleaned: "Usynlege kontrollteikn vart fjerna frå meldinga.",
      notSent: "Vi fekk ikkje sendt meldinga. Teksten din står framleis i feltet: prøv igjen om litt.",
      offline: "Eg får ikkje kontakt med Veiviser akkurat no.",
      // The same numbers as utter_safety_net's nynorsk variant in bot/domain/safety.yml.
      offlineHelp: "Ved overdose eller fare for liv: ring 113. Tankar om å ta livet ditt: Mental Helse 116 123 " +
        "eller Kirkens SOS 22 40 00 40, heile døgnet. Spørsmål om rus: chatten til RUSinfo på rusinfo.no (kvardagar 11–18).",
      call: "Ring {number}",
      map: "Vis på kart",
      mapArea: "Vis området på kart",
      mapAreaNote: "Adressa er ikkje stadfesta.",
      website: "Nettside",
      newTab: " (blir opna i ny fane)",
      fits: "Passar",
      access: "Slik",
      hours: "Ope",
      where: "Kvar",
      source: "Kjelde",
      address: "Adresse",
      verified: "Sist kontrollert",
      report: "Meld feil",
      reportShown: "Meld feil: {name}"
    },
    en: {
      open: "Chat with Veiviser",
      title: "Veiviser",
      subtitle: "Find help with drugs or alcohol. You don't need to say who you are.",
      close: "Close the chat",
      quickExit: "Leave this page",
      quickExitLong: "Leave this page quickly. You can also press Esc twice.",
      quickExitHint: "Esc twice",
      crisis: "In an overdose or if a life is in danger: call ",
      log: "Conversation with Veiviser",
      you: "You:",
      bot: "Veiviser:",
      message: "Write a message",
      placeholder: "E.g. need help with drugs, live in Bergen",
      send: "Send",
      sending: "Sending …",
      typing: "Veiviser is writing …",
      replies: "Suggested answers",
      position: "Use my location",
      positionHint: "Your location is sent only when you press this, and only to find help nearby.",
      positionAsking: "Getting your location …",
      positionShared: "Shared my location",
      positionFailed: "Could not get your location. You can write the place or the postcode instead.",
      forget: "Delete the conversation",
      forgotten: "The conversation is deleted, on the server too. You have started a new, empty conversation.",
      forgottenHere: "The conversation is removed from the screen, and you have started a new one with a new random ID. " +
        "This server cannot delete the old conversation on request, but it is no longer linked to you.",
      empty: "Write a message before you send.",
      tooLong: "The message is too long ({count} characters). Shorten it to at most {max} characters and send again. Your text is still there.",
      cleaned: "Invisible control characters were removed from the message.",
      notSent: "The message was not sent. Your text is still in the box: try again in a moment.",
      offline: "I can't reach Veiviser right now.",
      offlineHelp: "In an overdose or if a life is in danger: call 113. Thoughts of ending your life: Mental Helse " +
        "116 123 or Kirkens SOS 22 40 00 40, day and night. Questions about drugs: RUSinfo's chat at rusinfo.no (weekdays 11–18).",
      call: "Call {number}",
      map: "Show on map",
      mapArea: "Show the area on a map",
      mapAreaNote: "The address is not verified.",
      website: "Website",
      newTab: " (opens in a new tab)",
      fits: "Fits",
      access: "How",
      hours: "Hours",
      where: "Where",
      source: "Source",
      address: "Address",
      verified: "Last checked",
      report: "Report an error",
      reportShown: "Report an error: {name}"
    }
  };

  var STYLE = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".vv { font: 1rem/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d1d1b; }",
    "button, textarea, a { font: inherit; }",
    ":focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }",
    ".vv-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    ".vv-launcher { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; padding: 0.8rem 1.2rem; border: 0; border-radius: 2rem;",
    "  background: #1f4e79; color: #fff; font-weight: 600; box-shadow: 0 2px 8px rgba(0,0,0,.3); cursor: pointer; }",
    ".vv-panel { position: fixed; inset: 0; z-index: 2147483001; display: flex; flex-direction: column; background: #f6f6f3; }",
    ".vv-panel[hidden] { display: none; }",
    "@media (min-width: 40rem) { .vv-panel { inset: auto 1rem 1rem auto; width: 25rem; height: min(44rem, calc(100vh - 2rem));",
    "  border: 1px solid #b8b8b0; border-radius: 0.8rem; box-shadow: 0 4px 24px rgba(0,0,0,.25); overflow: hidden; } }",
    ".vv-head :focus-visible { outline-color: #fff; }",
    ".vv-head { display: flex; align-items: flex-start; gap: 0.5rem; padding: 0.6rem 0.8rem; background: #1f4e79; color: #fff; }",
    ".vv-head h2 { margin: 0; font-size: 1.15rem; }",
    ".vv-head p { margin: 0; font-size: 0.8rem; }",
    ".vv-titles { flex: 1; min-width: 0; }",
    ".vv-exit { border: 2px solid #fff; border-radius: 0.4rem; background: #a4161a; color: #fff; font-weight: 700; padding: 0.4rem 0.6rem; cursor: pointer; }",
    ".vv-exit small { display: block; font-weight: 400; font-size: 0.75rem; }",
    ".vv-close { border: 0; background: transparent; color: #fff; font-size: 1.4rem; line-height: 1; padding: 0.3rem 0.5rem; cursor: pointer; }",
    ".vv-crisis { margin: 0; padding: 0.4rem 0.8rem; background: #fde8e6; border-bottom: 1px solid #e3b5b0; font-size: 0.9rem; }",
    ".vv-crisis a, .vv-log a { color: #8a1116; font-weight: 600; }",
    ".vv-log { flex: 1; overflow-y: auto; padding: 0.6rem 0.8rem; overscroll-behavior: contain; }",
    ".vv-msg { margin: 0.4rem 0; padding: 0.55rem 0.8rem; border-radius: 0.8rem; max-width: 88%; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".vv-user { background: #1f4e79; color: #fff; margin-left: auto; }",
    ".vv-user.vv-failed { background: #fff; color: #1d1d1b; border: 2px dashed #a4161a; }",
    ".vv-bot { background: #fff; border: 1px solid #d0d0c8; }",
    ".vv-notice { background: #fff7d6; border: 1px solid #c9a400; }",
    ".vv-notice p { margin: 0.2rem 0; }",
    ".vv-card { margin: 0.5rem 0; padding: 0.7rem 0.8rem; background: #fff; border: 1px solid #b8b8b0; border-left: 4px solid #1f4e79; border-radius: 0.5rem; overflow-wrap: anywhere; }",
    ".vv-card h3 { margin: 0 0 0.3rem; font-size: 1.05rem; }",
    ".vv-card p { margin: 0.4rem 0; }",
    ".vv-card dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.6rem; font-size: 0.92rem; }",
    ".vv-card dt { font-weight: 600; }",
    ".vv-card dd { margin: 0; }",
    "@media (max-width: 30rem) { .vv-card dl { display: block; } .vv-card dt { display: inline; } .vv-card dt::after { content: ': '; }",
    "  .vv-card dd { display: inline; } .vv-card dd::after { content: '\\A'; white-space: pre; } .vv-card .vv-actions { margin: 0.2rem 0 0.4rem; } }",
    ".vv-actions { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.5rem 0; }",
    ".vv-actions a { display: inline-block; padding: 0.45rem 0.8rem; border-radius: 0.4rem; border: 2px solid #1f4e79; color: #1f4e79; background: #fff; font-weight: 600; text-decoration: none; }",
    ".vv-actions a.vv-call { background: #1f4e79; color: #fff; }",
    ".vv-note { font-size: 0.85rem; color: #4a4a45; }",
    ".vv-report { margin-top: 0.4rem; padding: 0.2rem 0.5rem; border: 1px solid #6b6b66; border-radius: 0.3rem; background: #fff; color: #2f2f2b; font-size: 0.85rem; cursor: pointer; }",
    ".vv-emergency { display: block; margin: 0.3rem 0 0.6rem; padding: 0.8rem 1rem; border-radius: 0.6rem; background: #a4161a; color: #fff !important; font-size: 1.3rem; font-weight: 700; text-align: center; text-decoration: none; }",
    ".vv-replies { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.3rem 0 0.6rem; }",
    ".vv-replies button, .vv-tools button, .vv-send { padding: 0.5rem 0.9rem; border-radius: 0.4rem; border: 2px solid #1f4e79; background: #fff; color: #1f4e79; font-weight: 600; cursor: pointer; }",
    ".vv-tools button { padding: 0.35rem 0.65rem; font-size: 0.9rem; }",
    ".vv-typing { margin: 0.3rem 0; font-style: italic; color: #4a4a45; }",
    ".vv-foot { padding: 0.5rem 0.8rem 0.7rem; background: #fff; border-top: 1px solid #d0d0c8; }",
    ".vv-tools { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-bottom: 0.4rem; }",
    ".vv-tools .vv-forget { border-color: #a4161a; color: #8a1116; }",
    ".vv-form { display: flex; gap: 0.4rem; align-items: flex-end; }",
    ".vv-form textarea { flex: 1; min-width: 0; min-height: 2.8rem; max-height: 8rem; resize: vertical; padding: 0.55rem; border: 2px solid #6b6b66; border-radius: 0.4rem; background: #fff; color: #1d1d1b; }",
    ".vv-form textarea[aria-invalid=true] { border-color: #a4161a; }",
    ".vv-send { background: #1f4e79; color: #fff; }",
    ".vv-send[disabled] { opacity: 0.75; cursor: wait; }",
    ".vv-error { margin: 0.3rem 0 0; color: #8a1116; font-weight: 600; font-size: 0.9rem; }",
    ".vv-error:empty { display: none; }",
    ".vv-status { margin: 0.3rem 0 0; font-size: 0.85rem; color: #2f2f2b; }",
    ".vv-status:empty { display: none; }",
    "@media (max-height: 40rem) { .vv-panel { inset: 0; width: auto; height: auto; border-radius: 0; } .vv-head p, .vv-exit small { display: none; } .vv-head { padding: 0.3rem 0.6rem; }",
    "  .vv-crisis { padding: 0.2rem 0.6rem; font-size: 0.85rem; } .vv-foot { padding: 0.3rem 0.6rem; }",
    "  .vv-tools { margin-bottom: 0.2rem; } .vv-form textarea { min-height: 2.4rem; } }"
  ].join("\n");

  /* ---------- settings from the script tag ---------- */

  /** The labels' language for a page language tag: "en…" English, "nn…" nynorsk, anything else bokmål. */
  function widgetLanguage(tag) {
    if (tag.indexOf("en") === 0) { return "en"; }
    if (tag.indexOf("nn") === 0) { return "nn"; }
    return "nb";
  }

  function settings() {
    var data = (script && script.dataset) || {};
    var pageLanguage = (data.lang || document.documentElement.lang || "nb").toLowerCase();
    return {
      server: (data.server || "").replace(/\/+$/, ""),
      channel: "/" + (data.channel || "/webhooks/web").replace(/^\/+|\/+$/g, ""),
      language: widgetLanguage(pageLanguage),
      exitUrl: data.exitUrl || DEFAULT_EXIT_URL,
      startOpen: data.open === "true"
    };
  }

  /* ---------- small helpers ---------- */

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "className") { node.className = attributes[name]; } else { node.setAttribute(name, attributes[name]); }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_all, key) { return String(values[key]); });
  }

  function randomId() {
    if (window.crypto && typeof crypto.randomUUID === "function") { return crypto.randomUUID(); }
    // randomUUID needs a secure context; getRandomValues does not.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function session() {
    try { return window.sessionStorage; } catch (_blocked) { return null; }
  }

  function storedSender() {
    var store = session();
    var id = store && store.getItem(SENDER_KEY);
    if (!id) {
      id = randomId();
      if (store) { store.setItem(SENDER_KEY, id); }
    }
    return id;
  }

  function forgetSender() {
    var store = session();
    if (store) { store.removeItem(SENDER_KEY); }
  }

  function telHref(number) {
    var digits = number.replace(/[^\d+]/g, "");
    return "tel:" + (digits.length === 8 ? "+47" + digits : digits);
  }

  function safeWebUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (_notAUrl) {
      return null;
    }
  }

  function mapUrl(point) {
    var lat = Number(point.lat).toFixed(5);
    var lon = Number(point.lon).toFixed(5);
    // A pin only on a verified address; otherwise the area, so nobody walks to a kommune's centre.
    return point.exact
      ? "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=17/" + lat + "/" + lon
      : "https://www.openstreetmap.org/#map=12/" + lat + "/" + lon;
  }

  /* ---------- text checks before sending ---------- */

  /** Returns {text, error, cleaned}: a message to send, or why not. */
  function checkedMessage(raw, labels) {
    var withoutControls = raw.replace(/\t/g, " ").replace(CONTROL_CHARACTERS, "");
    var text = withoutControls.trim();
    if (!text) { return { error: labels.empty }; }
    if (text.length > MAX_CHARS) { return { error: fill(labels.tooLong, { count: text.length, max: MAX_CHARS }) }; }
    return { text: text, cleaned: withoutControls !== raw };
  }

  /* ---------- the widget ---------- */

  function Widget(config) {
    this.config = config;
    this.labels = LABELS[config.language];
    this.sender = storedSender();
    this.lastEscape = 0;
    this.build();
  }

  Widget.prototype.build = function () {
    var labels = this.labels;
    var host = element("aside", { id: "veiviser-widget", "aria-label": labels.title, lang: this.config.language });
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(element("style", {}, STYLE));
    var wrapper = element("div", { className: "vv" });
    root.appendChild(wrapper);

    this.launcher = element("button", { type: "button", className: "vv-launcher", "aria-expanded": "false",
      "aria-controls": "vv-panel" }, labels.open);
    wrapper.appendChild(this.launcher);

    var panel = element("section", { id: "vv-panel", className: "vv-panel", "aria-labelledby": "vv-title" });
    panel.hidden = true;
    wrapper.appendChild(panel);
    this.panel = panel;

    panel.appendChild(this.buildHead(labels));
    var crisis = element("p", { className: "vv-crisis" }, labels.crisis);
    crisis.appendChild(element("a", { href: "tel:113" }, "113"));
    crisis.appendChild(document.createTextNode("."));
    panel.appendChild(crisis);
    // role=log is a polite live region: screen readers read each new message as it arrives.
    this.log = element("div", { className: "vv-log", role: "log", "aria-live": "polite", "aria-label": labels.log,
      tabindex: "0" });
    panel.appendChild(this.log);
    panel.appendChild(this.buildFoot(labels));

    this.bind();
    document.body.appendChild(host);
    this.host = host;
  };

  /** Title, the quick exit (first in the Tab order) and close. */
  Widget.prototype.buildHead = function (labels) {
    var head = element("div", { className: "vv-head" });
    var titles = element("div", { className: "vv-titles" });
    titles.appendChild(element("h2", { id: "vv-title" }, labels.title));
    titles.appendChild(element("p", {}, labels.subtitle));
    head.appendChild(titles);
    this.exitButton = element("button", { type: "button", className: "vv-exit", "aria-label": labels.quickExitLong });
    this.exitButton.appendChild(document.createTextNode(labels.quickExit));
    this.exitButton.appendChild(element("small", { "aria-hidden": "true" }, labels.quickExitHint));
    head.appendChild(this.exitButton);
    this.closeButton = element("button", { type: "button", className: "vv-close", "aria-label": labels.close }, "×");
    head.appendChild(this.closeButton);
    return head;
  };

  /** Location and delete, the message box, and the error and status lines. */
  Widget.prototype.buildFoot = function (labels) {
    var foot = element("div", { className: "vv-foot" });
    var tools = element("div", { className: "vv-tools" });
    if (navigator.geolocation) {
      this.positionButton = element("button", { type: "button", "aria-describedby": "vv-position-hint" }, labels.position);
      tools.appendChild(this.positionButton);
    }
    this.forgetButton = element("button", { type: "button", className: "vv-forget" }, labels.forget);
    tools.appendChild(this.forgetButton);
    foot.appendChild(tools);
    if (this.positionButton) {
      foot.appendChild(element("p", { id: "vv-position-hint", className: "vv-hidden" }, labels.positionHint));
    }

    this.form = element("form", { className: "vv-form", novalidate: "" });
    this.form.appendChild(element("label", { "for": "vv-input", className: "vv-hidden" }, labels.message));
    this.input = element("textarea", { id: "vv-input", rows: "2", autocomplete: "off", placeholder: labels.placeholder,
      "aria-describedby": "vv-error" });
    this.form.appendChild(this.input);
    this.sendButton = element("button", { type: "submit", className: "vv-send" }, labels.send);
    this.form.appendChild(this.sendButton);
    foot.appendChild(this.form);
    this.error = element("p", { id: "vv-error", className: "vv-error", role: "alert" });
    foot.appendChild(this.error);
    this.status = element("p", { className: "vv-status", role: "status" });
    foot.appendChild(this.status);
    return foot;
  };

  Widget.prototype.bind = function () {
    var self = this;
    this.launcher.addEventListener("click", function () { self.open(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.exitButton.addEventListener("click", function () { self.quickExit(); });
    this.forgetButton.addEventListener("click", function () { self.forget(); });
    if (this.positionButton) {
      this.positionButton.addEventListener("click", function () { self.sharePosition(); });
    }
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submit();
      }
    });
    this.input.addEventListener("input", function () { self.clearError(); });
    this.panel.addEventListener("keydown", function (event) { self.keepFocusInside(event); });
    // Escape twice, anywhere on the page, leaves at once (as on domestic-violence sites).
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - self.lastEscape < DOUBLE_ESCAPE_MS) { self.quickExit(); }
      self.lastEscape = now;
    }, true);
  };

  /** While the chat fills the screen, Tab cycles inside it: the page behind cannot be seen. */
  Widget.prototype.keepFocusInside = function (event) {
    if (event.key !== "Tab" || !this.fillsScreen()) { return; }
    var focusable = Array.prototype.filter.call(
      this.panel.querySelectorAll("button, a[href], textarea, [tabindex='0']"),
      function (node) { return !node.disabled && node.getClientRects().length > 0; });
    if (!focusable.length) { return; }
    var first = focusable[0], last = focusable[focusable.length - 1];
    var active = this.host.shadowRoot.activeElement;
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  Widget.prototype.fillsScreen = function () {
    var box = this.panel.getBoundingClientRect();
    return box.width >= window.innerWidth - 1 && box.height >= window.innerHeight - 1;
  };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.input.focus();
    if (!this.log.hasChildNodes()) { this.send("/greet", null, false); }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  };

  /** Leave now: forget the session, empty the widget and replace this page in the history. */
  Widget.prototype.quickExit = function () {
    forgetSender();
    this.host.remove();
    window.location.replace(this.config.exitUrl);
  };

  Widget.prototype.showError = function (text) {
    this.error.textContent = text;
    this.input.setAttribute("aria-invalid", "true");
  };

  Widget.prototype.clearError = function () {
    this.error.textContent = "";
    this.input.removeAttribute("aria-invalid");
  };

  Widget.prototype.submit = function () {
    var checked = checkedMessage(this.input.value, this.labels);
    if (checked.error) {
      this.showError(checked.error);
      this.input.focus();
      return;
    }
    this.clearError();
    this.status.textContent = checked.cleaned ? this.labels.cleaned : "";
    if (checked.cleaned) { this.input.value = checked.text; }
    this.send(checked.text, checked.text, true);
  };

  /**
   * Sends `message` (text or a /intent{...} payload), shows `shown` as the person's bubble
   * (none for the greeting asked for on opening). A typed message stays in the box until
   * the bot has answered, so a failed send loses nothing.
   */
  Widget.prototype.send = function (message, shown, typed) {
    var self = this;
    if (this.busy) { return; }  // one message at a time: replies must come back in order
    this.removeReplies();
    var bubble = shown === null ? null : this.addMessage("user", shown);
    var conversation = this.sender;
    this.setBusy(true);
    this.post("/webhook", { sender: this.sender, message: message })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (replies) {
        if (typed && self.input.value.trim() === message) { self.input.value = ""; }
        // A reply to a conversation deleted meanwhile ("Slett samtalen") is not shown.
        if (conversation === self.sender) { self.renderReplies(Array.isArray(replies) ? replies : []); }
      })
      .catch(function () {
        if (conversation !== self.sender) { return; }
        if (bubble) { bubble.classList.add("vv-failed"); }
        if (typed) { self.showError(self.labels.notSent); }
        self.renderOffline();
      })
      .then(function () {
        self.setBusy(false);
        if (typed) {
          self.input.focus();
        } else if (!self.host.shadowRoot.activeElement) {
          self.focusReply();  // the pressed button went away with the old replies
        }
      });
  };

  Widget.prototype.post = function (path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, REPLY_TIMEOUT_MS);
    var url = this.config.server + this.config.channel + path;
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).finally(function () { clearTimeout(timer); });
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.sendButton.textContent = busy ? this.labels.sending : this.labels.send;
    this.log.setAttribute("aria-busy", busy ? "true" : "false");
    if (busy) {
      this.typing = element("p", { className: "vv-typing", "aria-hidden": "true" }, this.labels.typing);
      this.log.appendChild(this.typing);
      this.scrollToEnd();
    } else if (this.typing) {
      this.typing.remove();
      this.typing = null;
    }
  };

  /**
   * After a tap the pressed button is gone: focus moves to the answer, not to the message box,
   * which on a phone would raise the keyboard over the results.
   */
  Widget.prototype.focusReply = function () {
    var first = this.firstNew && this.firstNew.isConnected ? this.firstNew : null;
    if (!first) { this.input.focus(); return; }
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** A message bubble; the speaker is said in hidden text so a screen reader knows who spoke. */
  Widget.prototype.addMessage = function (who, text) {
    var bubble = element("div", { className: "vv-msg vv-" + who });
    bubble.appendChild(element("span", { className: "vv-hidden" }, (who === "user" ? this.labels.you : this.labels.bot) + " "));
    appendTextWithPhoneLinks(bubble, text);
    this.log.appendChild(bubble);
    this.scrollToEnd();
    return bubble;
  };

  /**
   * Draws the bot's replies (Rasa's REST format). A card's data (custom.type
   * "service_card") follows its text and replaces it; unknown kinds show their text.
   */
  Widget.prototype.renderReplies = function (replies) {
    var previous = null;
    var before = this.log.lastElementChild;
    for (var i = 0; i < replies.length; i += 1) {
      var reply = replies[i] || {};
      if (reply.custom && reply.custom.type === "call") {
        this.log.appendChild(this.renderEmergencyCall(reply.custom));
        previous = null;
        continue;
      }
      if (reply.custom && reply.custom.type === "service_card") {
        var card = this.renderCard(reply.custom);
        if (previous && previous.isConnected) { previous.replaceWith(card); } else { this.log.appendChild(card); }
        previous = null;
        continue;
      }
      previous = null;
      if (typeof reply.text === "string" && reply.text) {
        previous = this.addMessage("bot", reply.text);
      }
      if (Array.isArray(reply.buttons) && reply.buttons.length) {
        this.renderButtons(reply.buttons);
      }
    }
    this.firstNew = before ? before.nextElementSibling : this.log.firstElementChild;
    this.showFromStart(this.firstNew);
  };

  /** A reply is read from its start: on a phone the last card's tail says nothing. */
  Widget.prototype.showFromStart = function (first) {
    if (!first) { this.scrollToEnd(); return; }
    this.log.scrollTop = first.offsetTop - this.log.offsetTop - 8;
  };

  /** A crisis answer's number as one large call button (custom.type "call"); only short emergency numbers. */
  Widget.prototype.renderEmergencyCall = function (data) {
    var number = /^\d{3}$/.test(String(data.number)) ? String(data.number) : "113";
    var label = typeof data.label === "string" && data.label ? data.label : number;
    return element("a", { className: "vv-emergency", href: "tel:" + number }, label);
  };

  Widget.prototype.renderButtons = function (buttons) {
    var self = this;
    var group = element("div", { className: "vv-replies", role: "group", "aria-label": this.labels.replies });
    buttons.forEach(function (b) {
      if (!b || typeof b.title !== "string" || typeof b.payload !== "string") { return; }
      var button = element("button", { type: "button" }, b.title);
      button.addEventListener("click", function () { self.send(b.payload, b.title, false); });
      group.appendChild(button);
    });
    this.log.appendChild(group);
  };

  /** Quick replies belong to the last question only; old ones would lengthen the Tab order. */
  Widget.prototype.removeReplies = function () {
    Array.prototype.forEach.call(this.log.querySelectorAll(".vv-replies"), function (group) { group.remove(); });
  };

  /** A service card: the ways to reach it first (hours, address, call, map), then what it is and why it fits. */
  Widget.prototype.renderCard = function (data) {
    var labels = LABELS[data.language] || this.labels;
    var card = element("article", { className: "vv-card" });
    card.appendChild(element("h3", {}, data.name || ""));
    card.appendChild(facts(labels, [["hours", data.hours], ["address", data.address], ["where", data.where]]));

    var actions = element("div", { className: "vv-actions" });
    (Array.isArray(data.phones) ? data.phones : []).forEach(function (number) {
      actions.appendChild(element("a", { className: "vv-call", href: telHref(String(number)) },
        fill(labels.call, { number: number })));
    });
    var point = data.point;
    if (point && isFinite(point.lat) && isFinite(point.lon)) {
      actions.appendChild(externalLink(mapUrl(point), point.exact ? labels.map : labels.mapArea, labels, "vv-map"));
    }
    var website = data.website && safeWebUrl(data.website);
    if (website) { actions.appendChild(externalLink(website, labels.website, labels, "vv-web")); }
    if (actions.childNodes.length) { card.appendChild(actions); }
    if (point && !point.exact) { card.appendChild(element("p", { className: "vv-note" }, labels.mapAreaNote)); }

    if (data.summary) { card.appendChild(element("p", {}, data.summary)); }
    var about = facts(labels, [["fits", data.why], ["access", data.access], ["verified", formatDate(data.verified)]]);
    if (data.source) {
      // The page the facts come from, so anyone can check them.
      about.appendChild(element("dt", {}, labels.source));
      var sourceUrl = data.source_url && safeWebUrl(data.source_url);
      var cited = element("dd");
      cited.appendChild(sourceUrl ? externalLink(sourceUrl, data.source, labels, "vv-source") : document.createTextNode(data.source));
      about.appendChild(cited);
    }
    card.appendChild(about);
    if (data.id) { card.appendChild(this.reportButton(data, labels)); }
    return card;
  };

  /** «Meld feil»: tells the bot which card is wrong; the bot then asks what is wrong with it. */
  Widget.prototype.reportButton = function (data, labels) {
    var self = this;
    var button = element("button", { type: "button", className: "vv-report" }, labels.report);
    button.setAttribute("aria-label", fill(labels.reportShown, { name: data.name || "" }));
    button.addEventListener("click", function () {
      self.send("/report_error" + JSON.stringify({ service: String(data.id) }), fill(labels.reportShown, { name: data.name || "" }), false);
    });
    return button;
  };

  /** The safety numbers, from this file, for when the bot cannot be reached. */
  Widget.prototype.renderOffline = function () {
    var notice = element("div", { className: "vv-msg vv-notice" });
    notice.appendChild(element("p", {}, this.labels.offline));
    var help = element("p");
    appendTextWithPhoneLinks(help, this.labels.offlineHelp);
    notice.appendChild(help);
    this.log.appendChild(notice);
    this.scrollToEnd();
  };

  Widget.prototype.sharePosition = function () {
    var self = this;
    this.status.textContent = this.labels.positionAsking;
    navigator.geolocation.getCurrentPosition(function (position) {
      self.status.textContent = "";
      // Rounded to about 100 m: enough to find help nearby, less to say where someone lives.
      var coordinates = {
        latitude: Math.round(position.coords.latitude * 1e3) / 1e3,
        longitude: Math.round(position.coords.longitude * 1e3) / 1e3
      };
      self.send("/inform_location" + JSON.stringify(coordinates), self.labels.positionShared, false);
    }, function () {
      self.status.textContent = self.labels.positionFailed;
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  };

  /** "Slett samtalen": delete on the server where the channel can, then start afresh and say which happened. */
  Widget.prototype.forget = function () {
    var self = this;
    var oldSender = this.sender;
    forgetSender();
    this.sender = storedSender();
    this.log.textContent = "";
    this.input.value = "";
    this.clearError();
    this.post("/forget", { sender: oldSender })
      .then(function (response) { return response.ok; }, function () { return false; })
      .then(function (deleted) {
        self.status.textContent = deleted ? self.labels.forgotten : self.labels.forgottenHere;
        self.input.focus();
      });
  };

  /* ---------- rendering helpers ---------- */

  /** A list of label and value pairs, leaving out those without a value. */
  function facts(labels, pairs) {
    var list = element("dl");
    pairs.forEach(function (pair) {
      if (!pair[1]) { return; }
      list.appendChild(element("dt", {}, labels[pair[0]]));
      list.appendChild(element("dd", {}, pair[1]));
    });
    return list;
  }

  function externalLink(href, text, labels, className) {
    var link = element("a", { href: href, target: "_blank", rel: "noopener noreferrer", className: className }, text);
    link.appendChild(element("span", { className: "vv-hidden" }, labels.newTab));
    return link;
  }

  /** Text as text; phone numbers in it become call links (so "ring 113" is one tap away). */
  function appendTextWithPhoneLinks(parent, text) {
    var at = 0;
    String(text).replace(PHONE_NUMBER, function (match, number, offset) {
      var start = offset + match.indexOf(number);
      parent.appendChild(document.createTextNode(text.slice(at, start)));
      parent.appendChild(element("a", { href: telHref(number) }, number));
      at = start + number.length;
      return match;
    });
    parent.appendChild(document.createTextNode(String(text).slice(at)));
  }

  function formatDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return parts ? parts[3] + "." + parts[2] + "." + parts[1] : null;
  }

  /* ---------- start ---------- */

  function start() {
    var widget = new Widget(settings());
    if (widget.config.startOpen) { widget.open(); }
    // A small public surface for host pages (and the browser tests).
    window.VeiviserWidget = {
      open: function () { widget.open(); },
      close: function () { widget.close(); },
      renderReplies: function (replies) { widget.renderReplies(replies); }
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
