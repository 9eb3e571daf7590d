//! A local stand-in for the EC2 instance metadata service (IMDS), for running
//! the generated tracer code: it answers like IMDS, or like the failures the
//! code must survive, and records every request so tests can check what the
//! code sent (the IMDSv2 token dance, how many tries).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The address the mock hands out as the host's private IPv4.
pub const HOST_IP: &str = "10.11.12.13";
const TOKEN: &str = "AQAEAMockTokenForTests==";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// IMDS as on EC2: IMDSv1 GETs and IMDSv2 (PUT a token, then GET with it).
    Good,
    /// IMDSv2 required: a GET without a token gets a 401.
    V2Only,
    /// No token endpoint (the PUT gets a 404); GETs need no token.
    V1Only,
    /// Every request gets an HTTP 401 with an HTML page, as on an IMDSv2-only
    /// instance (or any request with a bad token).
    Unauthorized,
    /// Every request gets an HTTP 200 with an HTML page, like a captive proxy.
    HtmlPage,
    /// Connections are accepted and requests read, but never answered.
    Silent,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }
}

pub struct MockImds {
    /// Replaces `http://169.254.169.254/latest/` in the generated code.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl MockImds {
    pub fn start(mode: Mode) -> MockImds {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopping) = (Arc::clone(&requests), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let seen = Arc::clone(&seen);
                thread::spawn(move || serve(stream, mode, &seen));
            }
        });
        MockImds {
            base_url: format!("http://127.0.0.1:{port}/latest/"),
            requests,
            stop,
            port,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests lock").clone()
    }
}

impl Drop for MockImds {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag and ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A base URL where nothing listens: connections are refused at once.
pub fn refused_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/latest/")
}

/// Answers one request and closes the connection (clients reconnect).
fn serve(stream: TcpStream, mode: Mode, seen: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    seen.lock().expect("requests lock").push(request.clone());
    if mode == Mode::Silent {
        // Holds the connection open until the client gives up on it.
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
        return;
    }
    let (status, body) = respond(mode, &request);
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Lets the client read the answer before the socket goes away.
    let mut sink = Vec::new();
    let _ = reader.read_to_end(&mut sink);
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let request = Request {
        method,
        path,
        headers,
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(request)
}

const UNAUTHORIZED_PAGE: &str = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<html><head><title>401 - Unauthorized</title></head>\n<body><h1>401 - Unauthorized</h1></body></html>\n";
const PROXY_PAGE: &str = "<html><body>Please log in to continue</body></html>\n";

fn respond(mode: Mode, request: &Request) -> (&'static str, String) {
    let unauthorized = ("401 Unauthorized", UNAUTHORIZED_PAGE.to_owned());
    match mode {
        Mode::Unauthorized => unauthorized,
        Mode::HtmlPage => ("200 OK", PROXY_PAGE.to_owned()),
        Mode::Silent => unreachable!("silent connections are never answered"),
        Mode::V1Only if request.method == "PUT" => ("404 Not Found", String::new()),
        Mode::V2Only
            if request.method == "GET" && request.header("x-aws-ec2-metadata-token").is_none() =>
        {
            unauthorized
        }
        Mode::Good | Mode::V2Only | Mode::V1Only => {
            match (request.method.as_str(), request.path.as_str()) {
                ("PUT", "/latest/api/token") => {
                    let ttl_ok = request
                        .header("x-aws-ec2-metadata-token-ttl-seconds")
                        .and_then(|v| v.parse::<u32>().ok())
                        .is_some_and(|ttl| (1..=21600).contains(&ttl));
                    // IMDS wants a plain empty body, not a chunked one.
                    if request.header("transfer-encoding").is_some() {
                        ("400 Bad Request", String::new())
                    } else if ttl_ok {
                        ("200 OK", TOKEN.to_owned())
                    } else {
                        ("400 Bad Request", String::new())
                    }
                }
                ("GET", "/latest/meta-data/local-ipv4") => {
                    match request.header("x-aws-ec2-metadata-token") {
                        Some(token) if token != TOKEN => unauthorized,
                        _ => ("200 OK", HOST_IP.to_owned()),
                    }
                }
                _ => ("404 Not Found", String::new()),
            }
        }
    }
}
