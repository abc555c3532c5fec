import Foundation

/// Which files in a folder are stories: `*.md`, except `README.md` and names that start
/// with `.` or `_` (drafts). Not recursive.
public enum StoryFolder {
    public static func isStoryFileName(_ name: String) -> Bool {
        name.hasSuffix(".md") && !name.hasPrefix(".") && !name.hasPrefix("_")
            && name.lowercased() != "readme.md"
    }

    /// The story files in `directory`, sorted by name; nil when it cannot be listed.
    public static func files(in directory: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        return names.filter(isStoryFileName).sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// `fable stories check`: every file named, and every story file in every folder named.
    public static func check(paths: [String]) -> StoryCheckReport {
        var report = StoryCheckReport()
        for path in paths {
            if isDirectory(path) {
                guard let files = files(in: path) else {
                    report.problems.append(StoryProblem(file: path, line: 0, message: "cannot list this folder"))
                    continue
                }
                if files.isEmpty {
                    report.problems.append(StoryProblem(file: path, line: 0, message: "no story files (*.md) in this folder"))
                }
                for file in files { report.add(file) }
            } else {
                report.add(path)
            }
        }
        return report
    }
}

/// What `StoryFolder.check` found.
public struct StoryCheckReport: Sendable {
    /// Every file checked, in order.
    public var files: [String] = []
    /// Every problem, grouped by file, in line order.
    public var problems: [StoryProblem] = []

    public var isGood: Bool { problems.isEmpty }
    /// How many of `files` have a problem.
    public var badFileCount: Int { Set(problems.map(\.file)).intersection(files).count }

    mutating func add(_ file: String) {
        files.append(file)
        problems += StoryFile.check(path: file)
    }
}
