import FableCore
import Foundation

/// Asks an OpenAI-compatible server what it is, from its model list: llama.cpp's server lists
/// its models as owned by `llamacpp`.
public enum ModelServerProbe {
    /// The kind of server at `baseURL`, or nil when it does not answer in `timeout` seconds.
    public static func identify(baseURL: String, apiKey: String?, timeout: Double = 3) async -> ModelServer? {
        let transfer = CurlTransfer(url: APIEndpoint.url(baseURL, "models"),
                                    headers: CurlTransfer.jsonHeaders(accept: "application/json", apiKey: apiKey), body: nil,
                                    limits: .init(connectTimeout: timeout, requestTimeout: timeout, firstByteTimeout: timeout,
                                                  stallTimeout: timeout, maxBytes: 1 << 20))
        do {
            return kind(ofModelList: try await transfer.wholeBody())
        } catch ModelError.http {
            return .openAICompatible
        } catch {
            return nil
        }
    }

    /// The kind a `/models` reply shows: any model owned by `llamacpp` is llama.cpp's server.
    static func kind(ofModelList body: [UInt8]) -> ModelServer {
        struct ModelList: Decodable {
            struct Model: Decodable { var owned_by: String? }
            var data: [Model]?
        }
        let list = try? JSONDecoder().decode(ModelList.self, from: Data(body))
        return (list?.data ?? []).contains { $0.owned_by?.lowercased() == "llamacpp" } ? .llamaCpp : .openAICompatible
    }
}
