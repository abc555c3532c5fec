/// The web client: one page, its style and its script, plain HTML, CSS and JavaScript with no
/// framework and no build step. It shows what the server sends and sends what the reader types,
/// a line at a time, so every command works as it does over telnet.
public enum WebPage {
    /// The reading view: the story as a live log, the options as buttons, one line to type.
    public static let html = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Fable</title>
    <link rel="stylesheet" href="/fable.css">
    <script src="/fable.js" defer></script>
    </head>
    <body>
    <a class="skip" href="#entry">Skip to the line you type</a>
    <header>
      <h1 id="title">Fable</h1>
      <p id="status" role="status">Connecting…</p>
    </header>
    <main>
      <section aria-labelledby="story-heading">
        <h2 id="story-heading" class="visually-hidden">The story</h2>
        <div id="story" role="log" aria-live="polite" aria-relevant="additions" aria-atomic="false"></div>
      </section>
      <section id="choices" aria-labelledby="choices-heading" hidden>
        <h2 id="choices-heading">What next? <span class="hint">(or press 1, 2 or 3)</span></h2>
        <div id="options" role="group" aria-labelledby="choices-heading"></div>
      </section>
      <form id="line" autocomplete="off">
        <label id="entry-label" for="entry">Your line</label>
        <div class="row">
          <input id="entry" name="entry" type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                 enterkeyhint="send" aria-describedby="entry-help">
          <button type="submit">Send</button>
        </div>
        <p id="entry-help" class="hint">Type a command (<code>help</code>, <code>new</code>, <code>worlds</code>,
          <code>memory</code>, <code>undo</code>…) or what you do next, and press Enter.</p>
      </form>
      <details id="memory-panel" hidden>
        <summary>What the storyteller remembers</summary>
        <p id="memory"></p>
        <h3>Pinned facts</h3>
        <ul id="pins"></ul>
      </details>
    </main>
    <noscript><p>This page needs JavaScript. Without it, connect with telnet to the game port.</p></noscript>
    </body>
    </html>
    """#
}
