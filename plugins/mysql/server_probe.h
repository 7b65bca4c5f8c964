// Asks a running server whether it serves: the protocol greeting on its Unix socket (no login,
// no query: what a level-0 monitor needs, in microseconds), or a real query through MariaDB
// Connector/C (a logged-in client, for the deeper check).
#pragma once

#include <chrono>
#include <string>

namespace vigil::mysql {

// Connects to the socket and reads the server's first packet: empty when it is a handshake
// (protocol 10), otherwise what went wrong (no socket, refused, the server's own error packet
// such as "Too many connections", no answer within `timeout`).
std::string ReadGreeting(const std::string& socket_path, std::chrono::milliseconds timeout);

// Logs in over the socket and runs `SELECT COUNT(*) FROM <table>`: empty on success, otherwise
// the client library's error text.
std::string QueryTable(const std::string& socket_path, const std::string& user,
                       const std::string& password, const std::string& table,
                       std::chrono::milliseconds timeout);

}  // namespace vigil::mysql
