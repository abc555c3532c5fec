#ifndef FABLE_CCURL_H
#define FABLE_CCURL_H

#ifndef __linux__
#error "Fable builds on Linux only: its HTTP driver (FableLLM's CurlDriver) waits on sockets with Linux's epoll and eventfd."
#endif

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These wrappers give each argument type its own fixed signature.

typedef size_t (*fable_curl_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode fable_curl_set_string(CURL *handle, CURLoption option, const char *value);
CURLcode fable_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode fable_curl_set_pointer(CURL *handle, CURLoption option, void *value);
CURLcode fable_curl_set_write_callback(CURL *handle, fable_curl_data_callback callback, void *context);
CURLcode fable_curl_set_header_callback(CURL *handle, fable_curl_data_callback callback, void *context);
long fable_curl_response_code(CURL *handle);

// curl_multi_setopt is variadic too: the two callbacks of the socket interface.
CURLMcode fable_curl_multi_set_socket_callback(CURLM *multi, curl_socket_callback callback, void *context);
CURLMcode fable_curl_multi_set_timer_callback(CURLM *multi, curl_multi_timer_callback callback, void *context);

#endif
