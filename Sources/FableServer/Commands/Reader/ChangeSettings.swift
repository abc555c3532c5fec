import FableCommands
import FableCore

/// `settings [NAME VALUE]`: the screen and the reader's wishes for the story, kept with the
/// account. Only a setting's name makes the line a command: "settings are strange here" tells the story.
struct ChangeSettings: SessionCommand {
    static let words = ["settings"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "settings", summary: "your screen and story wishes", topic: """
        settings: show them. Change with:
          settings width N|auto          wrap at N columns (40-200) or your window's width
          settings pager N|off           lines per page for `read`
          settings screenreader on|off   for screen readers: no rules or decorations, and
                                         no line breaks inside a paragraph (it wraps)
          settings length short|medium|long|default   passage length
          settings tone TEXT|none        e.g. `settings tone wry and warm`
          settings avoid TEXT|none       things you do not want in your story
        """)
    static let names = ["width", "pager", "screenreader", "length", "tone", "avoid"]

    let name: String?
    let value: String

    static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(ChangeSettings(name: nil, value: "")) }
        let (name, value) = Arguments.split(arguments)
        return names.contains(name) ? .command(ChangeSettings(name: name, value: value)) : .instruction
    }

    func run(in session: isolated ReaderSession) async {
        guard var settings = session.account?.settings else { return }
        guard let name else {
            await show(settings, in: session)
            return
        }
        let off = ["off", "none", "default", "auto", "no"].contains(value.lowercased())
        switch name {
        case "width":
            if off {
                settings.width = nil
            } else if let width = Int(value), ReaderSettings.widthRange.contains(width) {
                settings.width = width
            } else {
                return await session.screen.say("Width is a number from 40 to 200, or `auto`.")
            }
        case "pager":
            if off || value == "0" {
                settings.pageLines = 0
            } else if let lines = Int(value), (5...500).contains(lines) {
                settings.pageLines = lines
            } else {
                return await session.screen.say("Pager is a number of lines from 5 to 500, or `off`.")
            }
        case "screenreader":
            guard off || ["on", "yes"].contains(value.lowercased()) else {
                return await session.screen.say("screenreader is `on` or `off`.")
            }
            settings.screenReader = !off
        case "length":
            if off {
                settings.preferences.passageLength = nil
            } else if let length = ReaderPreferences.PassageLength(rawValue: value.lowercased()) {
                settings.preferences.passageLength = length
            } else {
                return await session.screen.say("Length is `short`, `medium`, `long` or `default`.")
            }
        case "tone":
            settings.preferences.tone = off ? "" : String(value.prefix(200))
        default:
            settings.preferences.avoid = off ? "" : String(value.prefix(300))
        }
        guard let account = session.account else { return }
        do {
            try await session.context.store.saveSettings(accountID: account.id, settings)
            session.account?.settings = settings
            await session.applyWidth()
            await show(settings, in: session)
        } catch {
            await session.screen.say("Your settings could not be saved just now (\(error)).")
        }
    }

    private func show(_ settings: ReaderSettings, in session: isolated ReaderSession) async {
        let width = await session.screen.width
        let preferences = settings.preferences
        await session.screen.raw("""
            Settings (`help settings` to change them):
              width         \(settings.width.map(String.init) ?? "auto (\(width))")
              pager         \(settings.pageLines == 0 ? "off" : "\(settings.pageLines) lines")
              screenreader  \(settings.screenReader ? "on" : "off")
              length        \(preferences.passageLength?.rawValue ?? "default")
              tone          \(preferences.tone.isEmpty ? "the story's own" : preferences.tone)
              avoid         \(preferences.avoid.isEmpty ? "nothing set" : preferences.avoid)

            """)
    }
}
