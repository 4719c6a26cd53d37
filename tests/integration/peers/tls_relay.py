"""A TLS front for a plain TCP service, so that tinyproxy becomes an https:// proxy:
Python's ssl module ends TLS and relays the bytes both ways.
Prints 'listening on https://127.0.0.1:PORT/' when ready.

  tls_relay.py CERT KEY TARGET_PORT
"""
import select
import socket
import ssl
import sys
import threading


def relay(context, connection, target_port):
    """One thread a connection, the only one touching its TLS socket (OpenSSL's objects
    are not for two threads at once); the handshake is here too, so that a client that
    stalls in it holds up no other."""
    try:
        with context.wrap_socket(connection, server_side=True) as client, \
                socket.create_connection(("127.0.0.1", target_port)) as target:
            while True:
                # Bytes TLS has already decrypted do not make the socket readable.
                ready = [client] if client.pending() else select.select([client, target], [], [])[0]
                for source, sink in ((client, target), (target, client)):
                    if source in ready:
                        data = source.recv(65536)
                        if not data:
                            return
                        sink.sendall(data)
    except (ssl.SSLError, OSError):  # a client that refused our certificate, or a broken connection
        pass
    finally:
        connection.close()


def main():
    cert, key, target_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"listening on https://127.0.0.1:{listener.getsockname()[1]}/", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=relay, args=(context, connection, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
