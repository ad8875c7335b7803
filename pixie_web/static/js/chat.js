// The chat layout: a conversation sent to the tool one turn at a time.
//
// The page keeps the conversation (oldest first, {role, content} items). On Send, the new
// message joins it and the whole list goes to the tool in its `messages` input (and, if the
// tool declares one, the earlier turns in `history`), as the tool contract's chat convention
// says. The reply streams into the reply card below the conversation; when the run is over,
// the reply text joins the conversation as the assistant's turn, ready for the next one.
(function () {
  "use strict";

  function bubble(log, role, text) {
    const item = document.createElement("li");
    item.className = "chat-message chat-" + role;
    const who = document.createElement("span");
    who.className = "chat-who";
    who.textContent = role === "user" ? "You" : "Reply";
    const body = document.createElement("div");
    body.className = "chat-text";
    body.textContent = text;
    item.append(who, body);
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  // The reply is the first text-like output card in the panel (stream_text, text or markdown).
  function replyText(panel) {
    const card = panel.querySelector(
      ".output-card[data-output-type='stream_text'], .output-card[data-output-type='text'], " +
        ".output-card[data-output-type='markdown']"
    );
    const body = card && card.querySelector(".output-body");
    return body ? body.innerText.trim() : "";
  }

  Pixie.register("[data-chat]", (chat) => {
    const log = chat.querySelector("[data-chat-log]");
    const form = chat.querySelector("form[data-chat-form]");
    const input = chat.querySelector("[data-chat-input]");
    const panel = chat.querySelector("#output-panel");
    let conversation = [];
    try {
      conversation = JSON.parse(log.dataset.conversation || "[]");
    } catch (error) {
      conversation = [];
    }
    for (const message of conversation) {
      bubble(log, message.role, message.content);
    }
    let waiting = false;

    function field(name) {
      const element = form.elements.namedItem(name);
      return element instanceof HTMLTextAreaElement || element instanceof HTMLInputElement ? element : null;
    }

    // A JSON input may be a CodeMirror editor, which writes its own text back into the
    // textarea when the form is sent: give the editor the value too.
    function setValue(element, text) {
      element.value = text;
      const editor = element.nextElementSibling;
      if (editor && editor.CodeMirror) {
        editor.CodeMirror.setValue(text);
      }
    }

    form.addEventListener(
      "submit",
      (event) => {
        const text = input.value.trim();
        if (!text) {
          event.preventDefault();
          event.stopImmediatePropagation();
          input.focus();
          return;
        }
        const history = conversation.slice();
        conversation.push({ role: "user", content: text });
        const messages = field("messages");
        if (messages) {
          setValue(messages, JSON.stringify(conversation));
        }
        const earlier = field("history");
        if (earlier) {
          setValue(earlier, JSON.stringify(history));
        }
        bubble(log, "user", text);
        input.value = "";
        waiting = true;
      },
      true
    );

    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.isComposing) {
        event.preventDefault();
        if (!form.classList.contains("is-running")) {
          form.requestSubmit();
        }
      }
    });

    document.addEventListener("pixie:run-finished", (event) => {
      if (!waiting) {
        return;
      }
      waiting = false;
      const reply = replyText(panel);
      if (reply && event.detail.status === "ok") {
        conversation.push({ role: "assistant", content: reply });
        bubble(log, "assistant", reply);
        for (const card of panel.querySelectorAll(".output-card[data-output-type='stream_text']")) {
          card.hidden = true; // now in the conversation; the card would only repeat it
        }
      }
      input.focus();
    });

    const clear = chat.querySelector("[data-chat-clear]");
    if (clear) {
      clear.addEventListener("click", () => {
        conversation = [];
        log.replaceChildren();
        panel.replaceChildren();
        input.focus();
        Pixie.announce("New conversation");
      });
    }
  });
})();
