/// Long text a page at a time (`read`, `@inspect`): Enter shows more, `q` stops.
extension ReaderSession {
    /// Handles a line while a page is waiting. Other lines end paging and are handled as
    /// usual (returns false).
    func page(_ line: String) async -> Bool {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "":
            await showPage()
            return true
        case "q", "quit":
            pager = []
            return true
        default:
            pager = []
            return false
        }
    }

    func showPage() async {
        let size = account?.settings.pageLines ?? 20
        let count = size > 0 ? min(size, pager.count) : pager.count
        let page = pager.prefix(count)
        pager.removeFirst(count)
        await screen.raw(page.joined(separator: "\n") + "\n")
        guard !pager.isEmpty else { return }
        if account?.settings.screenReader == true {
            await screen.say("More: Enter for the next page, q to stop. \(pager.count) lines left.")
        } else {
            await screen.say("-- More: Enter for the next page, q to stop (\(pager.count) lines left) --")
        }
    }

    /// Stops watching another reader's screen (`@snoop`).
    func stopSnooping() async {
        guard let target = snooping else { return }
        snooping = nil
        await target.unwatch(id: registryID)
        await screen.say("(Stopped watching.)")
    }
}
