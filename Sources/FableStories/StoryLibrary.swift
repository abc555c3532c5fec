import Foundation
import Synchronization

/// The folder of story files new worlds start from. Every call reads the folder again,
/// so new and changed files are picked up without a restart; a file is parsed again
/// only when its modification time or size changed.
public final class StoryLibrary: Sendable {
    public let directory: String
    private let cache = Mutex<[String: Entry]>([:])

    private struct Entry: Sendable {
        var modified: Date
        var size: Int
        var result: Result<StoryFile, StoryFileError>
    }

    public init(directory: String) {
        self.directory = directory
    }

    /// Every good story, sorted by id, and every problem of the files that are not.
    public func stories() -> (stories: [StoryFile], problems: [StoryProblem]) {
        guard let files = StoryFolder.files(in: directory) else {
            return ([], [StoryProblem(file: directory, line: 0, message: "the stories folder cannot be read: check that it exists")])
        }
        var stories: [StoryFile] = []
        var problems: [StoryProblem] = []
        for file in files {
            switch load(file) {
            case .success(let story): stories.append(story)
            case .failure(let error): problems += error.problems
            }
        }
        cache.withLock { entries in
            entries = entries.filter { files.contains($0.key) }
        }
        return (stories, problems)
    }

    /// The story `stories/<id>.md`; nil when there is no such file (or the id is not a
    /// story id). Throws `StoryFileError` when the file has problems.
    public func story(id: String) throws -> StoryFile? {
        let path = (directory as NSString).appendingPathComponent("\(id).md")
        let safe = !id.isEmpty && !id.contains("/") && !id.contains("\\") && !id.hasPrefix(".")
        guard safe, StoryFolder.isStoryFileName("\(id).md"), FileManager.default.fileExists(atPath: path) else { return nil }
        return try load(path).get()
    }

    private func load(_ path: String) -> Result<StoryFile, StoryFileError> {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = attributes?[.modificationDate] as? Date ?? .distantPast
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        if let entry = cache.withLock({ $0[path] }), entry.modified == modified, entry.size == size {
            return entry.result
        }
        let result: Result<StoryFile, StoryFileError>
        do {
            result = .success(try StoryFile.load(path: path))
        } catch let error as StoryFileError {
            result = .failure(error)
        } catch {
            result = .failure(StoryFileError(problems: [StoryProblem(file: path, line: 0, message: "\(error)")]))
        }
        cache.withLock { $0[path] = Entry(modified: modified, size: size, result: result) }
        return result
    }
}
