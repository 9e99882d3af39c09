// Minimal chat client for the web channel (bot/channels/web.py). Bot text is inserted as
// text, never as HTML, so nothing in a reply can inject markup.
(function () {
  "use strict";
  var endpoint = location.protocol + "//" + location.hostname + ":" + window.VEIVISER.rasaPort +
    "/webhooks/web/webhook";
  var sender = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");

  function show(who, text) {
    var item = document.createElement("li");
    item.className = who;
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function showButtons(item, buttons) {
    var row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      row.appendChild(button);
    });
    item.appendChild(row);
  }

  function send(message, shown) {
    show("user", shown || message);
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (replies) {
      replies.forEach(function (reply) {
        if (reply.text) {
          var item = show("bot", reply.text);
          if (reply.buttons) { showButtons(item, reply.buttons); }
        }
      });
    }).catch(function () {
      show("bot", window.VEIVISER.safetyNet.nb);  // the Rasa server cannot be reached at all
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
})();
