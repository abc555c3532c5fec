import Foundation

/// `${name}` placeholders, filled with the answers to the story's questions.
/// `$${` writes a literal `${`.
enum Placeholders {
    struct Found: Equatable {
        /// The name between the braces; for a malformed placeholder, what was there.
        var name: String
        /// The text as written, to find its line.
        var token: String
        /// nil for a well-formed placeholder; else what to write instead.
        var problem: String?
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Every placeholder in `text`, in order.
    static func scan(_ text: String) -> [Found] {
        var found: [Found] = []
        walk(text) { piece in
            if case .placeholder(let item) = piece { found.append(item) }
        }
        return found
    }

    /// `text` with each well-formed placeholder replaced by `value(name)` (kept when nil).
    static func fill(_ text: String, _ value: (String) -> String?) -> String {
        var out = ""
        walk(text) { piece in
            switch piece {
            case .text(let text): out += text
            case .placeholder(let item): out += item.problem == nil ? (value(item.name) ?? item.token) : item.token
            }
        }
        return out
    }

    private enum Piece {
        case text(String)
        case placeholder(Found)
    }

    private static func walk(_ text: String, _ visit: (Piece) -> Void) {
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            visit(.text(String(rest[..<dollar])))
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                visit(.text("${"))
                rest = after.dropFirst(2)
            } else if after.hasPrefix("{") {
                let inside = after.dropFirst()
                let lineEnd = inside.firstIndex(where: \.isNewline) ?? inside.endIndex
                if let close = inside[..<lineEnd].firstIndex(of: "}") {
                    let name = String(inside[..<close])
                    let token = "${\(name)}"
                    let problem = isName(name) ? nil
                        : "`\(token)` is not a placeholder name: use letters, digits and _ only, e.g. ${hero_name}"
                    visit(.placeholder(Found(name: name, token: token, problem: problem)))
                    rest = inside[inside.index(after: close)...]
                } else {
                    let token = "${" + String(inside[..<lineEnd])
                    visit(.placeholder(Found(name: String(inside[..<lineEnd]), token: token,
                                             problem: "close the placeholder with } on the same line, e.g. ${hero_name} (write $${ for a literal ${)")))
                    rest = inside[lineEnd...]
                }
            } else {
                visit(.text("$"))
                rest = after
            }
        }
        visit(.text(String(rest)))
    }
}
