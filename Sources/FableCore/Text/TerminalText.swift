/// Text that came from the model or another person, made safe for a terminal.
public enum TerminalText {
    /// Drops every control character (C0 but tab and newline, DEL, C1), which removes
    /// the introducer of every escape, OSC and bell sequence; carriage returns become newlines.
    public static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x0D: out.append("\n")
            case 0x00..<0x20, 0x7F..<0xA0: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
