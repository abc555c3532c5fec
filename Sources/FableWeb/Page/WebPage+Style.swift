extension WebPage {
    /// Readable type, the browser's own wrapping (`pre-wrap` keeps the server's line breaks and
    /// wraps the rest), light and dark from the reader's system setting.
    public static let css = #"""
    :root { color-scheme: light dark; --ink: #1f1d1a; --paper: #fbf8f1; --muted: #6b655c; --accent: #7a4b1e;
            --line: #d9d1c3; --button: #f1e8d8; }
    @media (prefers-color-scheme: dark) {
      :root { --ink: #ece6da; --paper: #1c1b19; --muted: #a59d90; --accent: #e0b67f; --line: #3a3731; --button: #2b2925; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--paper); color: var(--ink);
           font: 1.1rem/1.6 Georgia, "Iowan Old Style", "Palatino Linotype", serif; }
    header, main { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
    header { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem;
             border-bottom: 1px solid var(--line); }
    h1 { font-size: 1.4rem; margin: 0.8rem 0; }
    h2 { font-size: 1rem; margin: 0.5rem 0; }
    #status { color: var(--muted); font-size: 0.9rem; margin: 0; }
    #story { white-space: pre-wrap; overflow-wrap: anywhere; min-height: 40vh; max-height: 58vh; overflow-y: auto;
             padding: 1rem 0; }
    #story .echo { color: var(--accent); font-style: italic; }
    #options { display: flex; flex-direction: column; gap: 0.5rem; }
    #options button { text-align: left; }
    button { font: inherit; color: var(--ink); background: var(--button); border: 1px solid var(--line);
             border-radius: 0.4rem; padding: 0.45rem 0.8rem; cursor: pointer; }
    button:hover { border-color: var(--accent); }
    button:focus-visible, input:focus-visible, summary:focus-visible, a:focus-visible {
      outline: 3px solid var(--accent); outline-offset: 2px; }
    button:disabled { opacity: 0.55; cursor: default; }
    form { margin: 1rem 0; }
    label { font-weight: bold; }
    .row { display: flex; gap: 0.5rem; margin-top: 0.3rem; }
    input { flex: 1; font: inherit; color: var(--ink); background: transparent; border: 1px solid var(--line);
            border-radius: 0.4rem; padding: 0.45rem 0.6rem; }
    .hint { color: var(--muted); font-size: 0.85rem; font-weight: normal; }
    details { margin: 1rem 0 2rem; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
                       white-space: nowrap; }
    .skip { position: absolute; left: -100vw; }
    .skip:focus { left: 1rem; top: 0.5rem; background: var(--paper); padding: 0.3rem; }
    """#
}
