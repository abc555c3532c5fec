import FableCore
import Foundation
import Yams

/// Reads a story file: YAML front matter between `---` lines, then the premise in Markdown.
public enum StoryFile {
    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public static func load(path: String) throws -> Premise {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LoadError(file: path, line: 0, message: "cannot read the file (is the path right?)")
        }
        return try parse(text, storyID: url.deletingPathExtension().lastPathComponent, file: path)
    }

    public static func parse(_ text: String, storyID: String, file: String = "<story>") throws -> Premise {
        let lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw LoadError(file: file, line: 1, message: "start the file with a `---` line, the front matter, and another `---` line")
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let fields: [String: Any]
        do {
            fields = (try Yams.load(yaml: yaml) as? [String: Any]) ?? [:]
        } catch let error as YamlError {
            throw LoadError(file: file, line: 1 + yamlLine(error), message: "the front matter is not valid YAML")
        }
        func string(_ key: String) -> String? {
            fields[key].map { "\($0)" }
        }
        guard let title = string("title"), !title.isEmpty else {
            throw LoadError(file: file, line: 1, message: "add a `title:` to the front matter")
        }
        var mode = StoryMode.adventure
        if let value = string("mode") {
            guard let parsed = StoryMode(rawValue: value) else {
                let line = 1 + (lines[1..<close].firstIndex { $0.hasPrefix("mode:") } ?? 0)
                throw LoadError(file: file, line: line, message: "`mode` is `adventure` or `novel`, not `\(value)`")
            }
            mode = parsed
        }
        guard !body.isEmpty else {
            throw LoadError(file: file, line: close + 2, message: "write the premise below the front matter")
        }
        return Premise(storyID: storyID, title: title, genre: string("genre") ?? "", mode: mode,
                       language: string("language") ?? "en", style: string("style") ?? "", body: body)
    }

    private static func yamlLine(_ error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 0
        }
    }
}
