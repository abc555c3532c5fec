/// A step's options as both front ends show them: numbered, each wrapped under its own indent.
public enum OptionList {
    public static func text(_ options: [String], width: Int) -> String {
        var text = ""
        for (index, option) in options.enumerated() {
            var wrapper = WordWrapper(width: width - 5)
            let wrapped = wrapper.feed(TerminalText.sanitize(option)) + wrapper.finish()
            text += "  \(index + 1). " + wrapped.replacingOccurrences(of: "\n", with: "\n     ") + "\n"
        }
        return text
    }
}
