extension WebPage {
    /// The client. The server's messages (`docs/protocol.md`): `text` is shown as it comes (a
    /// passage streams in), `input` turns password entry on and off, and `gmcp` carries the world,
    /// the step's options (shown as buttons) and the memory. What the reader sends is one line a
    /// message, exactly what they would type over telnet. Text is only ever set as text, never
    /// parsed as HTML.
    public static let script = #"""
    "use strict";
    (() => {
      const $ = (id) => document.getElementById(id);
      const story = $("story"), status = $("status"), form = $("line"), entry = $("entry"),
            entryLabel = $("entry-label"), choices = $("choices"), options = $("options"), title = $("title"),
            memoryPanel = $("memory-panel"), memory = $("memory"), pins = $("pins");
      // The story keeps its latest nodes: a long session must not grow the page without end.
      const keptNodes = 4000;
      let socket = null;
      let hidden = false;
      let quiet = 0;
      const history = [];
      let recalled = 0;

      function connect() {
        const scheme = location.protocol === "https:" ? "wss:" : "ws:";
        socket = new WebSocket(scheme + "//" + location.host + "/ws");
        setStatus("Connecting…");
        socket.addEventListener("open", () => {
          setStatus("Connected");
          entry.disabled = false;
          entry.focus();
        });
        socket.addEventListener("message", (event) => {
          let message;
          try { message = JSON.parse(event.data); } catch (_) { return; }
          receive(message);
        });
        socket.addEventListener("close", () => {
          setStatus("Disconnected.");
          const again = document.createElement("button");
          again.type = "button";
          again.textContent = "Connect again";
          again.addEventListener("click", () => { again.remove(); connect(); });
          status.append(" ", again);
          entry.disabled = true;
          setHidden(false);
          disableOptions();
        });
      }

      function setStatus(text) { status.textContent = text; }

      function receive(message) {
        switch (message.type) {
          case "text": show(message.text); break;
          case "input": setHidden(message.hidden === true); break;
          case "gmcp": structured(message.package, message.data || {}); break;
        }
      }

      // Screen text, as the server wrote it: its line breaks kept, the rest wrapped by the browser.
      // While text streams in the log is busy, so a screen reader reads the passage once it rests.
      function show(text) {
        const following = story.scrollTop + story.clientHeight >= story.scrollHeight - 48;
        story.setAttribute("aria-busy", "true");
        story.append(document.createTextNode(text));
        clearTimeout(quiet);
        quiet = setTimeout(() => story.setAttribute("aria-busy", "false"), 500);
        trim();
        if (following) story.scrollTop = story.scrollHeight;
        // The prompt: the server takes a new line, so a choice can be made again.
        if (text.endsWith("> ")) enableOptions();
      }

      function trim() {
        while (story.childNodes.length > keptNodes) story.removeChild(story.firstChild);
      }

      function echo(line) {
        const span = document.createElement("span");
        span.className = "echo";
        span.textContent = (hidden ? "" : line) + "\n";
        story.append(span);
        trim();
        story.scrollTop = story.scrollHeight;
      }

      function setHidden(on) {
        hidden = on;
        entry.type = on ? "password" : "text";
        entryLabel.textContent = on ? "Password" : "Your line";
      }

      function structured(name, data) {
        if (name === "Fable.World") {
          title.textContent = data.title || "Fable";
          document.title = (data.title ? data.title + " — " : "") + "Fable";
          showOptions([]);
        } else if (name === "Fable.Step") {
          showOptions(Array.isArray(data.options) ? data.options : []);
        } else if (name === "Fable.Memory") {
          memory.textContent = data.memory || "";
          pins.replaceChildren(...(data.pins || []).map((pin) => {
            const item = document.createElement("li");
            item.textContent = pin;
            return item;
          }));
          memoryPanel.hidden = false;
        }
      }

      function showOptions(list) {
        options.replaceChildren(...list.map((text, index) => {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = (index + 1) + ". " + text;
          button.addEventListener("click", () => choose(index + 1));
          return button;
        }));
        choices.hidden = list.length === 0;
      }

      function choose(number) {
        const button = options.children[number - 1];
        if (!button || button.disabled) return;
        send(String(number));
        disableOptions();
        entry.focus({ preventScroll: true });
      }

      function disableOptions() { for (const button of options.children) button.disabled = true; }
      function enableOptions() { for (const button of options.children) button.disabled = false; }

      function send(line) {
        if (!socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(line);
        echo(line);
        return true;
      }

      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const line = entry.value;
        const secret = hidden;
        if (!send(line)) return;
        if (!secret && line.trim() !== "" && history[history.length - 1] !== line) history.push(line);
        recalled = history.length;
        entry.value = "";
      });

      // Up and down recall earlier lines (never a password).
      entry.addEventListener("keydown", (event) => {
        if (hidden || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
        event.preventDefault();
        recalled = Math.max(0, Math.min(history.length, recalled + (event.key === "ArrowUp" ? -1 : 1)));
        entry.value = history[recalled] || "";
      });

      // 1, 2 and 3 choose an option when the reader is not typing a line.
      document.addEventListener("keydown", (event) => {
        if (event.target === entry || event.ctrlKey || event.altKey || event.metaKey) return;
        if (event.key >= "1" && event.key <= "3" && !choices.hidden) {
          event.preventDefault();
          choose(Number(event.key));
        }
      });

      entry.disabled = true;
      connect();
    })();
    """#
}
