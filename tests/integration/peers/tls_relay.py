"""A TLS front for a plain TCP service, so that tinyproxy becomes an https:// proxy:
Python's ssl module ends TLS and relays the bytes both ways.
Prints 'listening on https://127.0.0.1:PORT/' when ready.

  tls_relay.py CERT KEY TARGET_PORT
"""
import socket
import ssl
import sys
import threading


def pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(client, target_port):
    with client, socket.create_connection(("127.0.0.1", target_port)) as target:
        back = threading.Thread(target=pump, args=(target, client), daemon=True)
        back.start()
        pump(client, target)
        back.join()


def main():
    cert, key, target_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"listening on https://127.0.0.1:{listener.getsockname()[1]}/", flush=True)
    while True:
        connection, _ = listener.accept()
        try:
            client = context.wrap_socket(connection, server_side=True)
        except (ssl.SSLError, OSError):  # a client that refused our certificate
            connection.close()
            continue
        threading.Thread(target=relay, args=(client, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
