import FableCore

/// `settings`: the screen and the reader's wishes for the story, kept with the account.
extension ReaderSession {
    func settings(_ words: [String]) async {
        guard var settings = account?.settings else { return }
        guard let key = words.first?.lowercased() else {
            await showSettings(settings)
            return
        }
        let value = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        let off = ["off", "none", "default", "auto", "no"].contains(value.lowercased())
        switch key {
        case "width":
            if off {
                settings.width = nil
            } else if let width = Int(value), ReaderSettings.widthRange.contains(width) {
                settings.width = width
            } else {
                return await screen.say("Width is a number from 40 to 200, or `auto`.")
            }
        case "pager":
            if off || value == "0" {
                settings.pageLines = 0
            } else if let lines = Int(value), (5...500).contains(lines) {
                settings.pageLines = lines
            } else {
                return await screen.say("Pager is a number of lines from 5 to 500, or `off`.")
            }
        case "screenreader":
            guard off || ["on", "yes"].contains(value.lowercased()) else {
                return await screen.say("screenreader is `on` or `off`.")
            }
            settings.screenReader = !off
        case "length":
            if off {
                settings.preferences.passageLength = nil
            } else if let length = ReaderPreferences.PassageLength(rawValue: value.lowercased()) {
                settings.preferences.passageLength = length
            } else {
                return await screen.say("Length is `short`, `medium`, `long` or `default`.")
            }
        case "tone":
            settings.preferences.tone = off ? "" : String(value.prefix(200))
        case "avoid":
            settings.preferences.avoid = off ? "" : String(value.prefix(300))
        default:
            return await screen.raw(HelpTopics.text(for: "settings") + "\n")
        }
        await save(settings)
    }

    private func save(_ settings: ReaderSettings) async {
        guard let account else { return }
        do {
            try await context.store.saveSettings(accountID: account.id, settings)
            self.account?.settings = settings
            await applyWidth()
            await showSettings(settings)
        } catch {
            await screen.say("Your settings could not be saved just now (\(error)).")
        }
    }

    private func showSettings(_ settings: ReaderSettings) async {
        let width = await screen.width
        let preferences = settings.preferences
        await screen.raw("""
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
