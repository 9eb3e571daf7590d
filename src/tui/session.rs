//! The terminal, borrowed for the wizard and always given back: raw mode,
//! the alternate screen, a hidden cursor and bracketed paste are undone by
//! `Drop`, by a panic hook (before the panic message prints), and after
//! SIGTERM, SIGHUP, SIGINT or SIGQUIT. When the terminal itself goes away
//! the wizard ends, even if SIGHUP is blocked. Mouse capture is never
//! turned on, so the terminal's own text selection keeps working.

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Once};
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;
use rustix::event::{poll, PollFd, PollFlags};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
use signal_hook::iterator::{Handle, Signals};

use crate::output::held;

/// Whether the terminal is in wizard mode. Restoring flips it once, so the
/// three restore paths can all run without doubling anything.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Frame output, buffered so each frame leaves in one write. Once the
/// terminal is restored it drops what it holds: a flush during unwinding
/// must not print escape codes onto the user's normal screen.
#[derive(Debug, Default)]
pub struct TerminalWriter {
    buf: Vec<u8>,
}

impl Write for TerminalWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.buf);
        if ACTIVE.load(Ordering::SeqCst) && !pending.is_empty() {
            let mut out = io::stdout().lock();
            out.write_all(&pending)?;
            out.flush()?;
        }
        Ok(())
    }
}

pub type Term = Terminal<CrosstermBackend<TerminalWriter>>;

pub struct Session {
    pub terminal: Term,
    signals: SignalWatch,
    hangup: HangupWatch,
}

impl Session {
    /// Takes over the terminal. On failure, whatever was changed is put
    /// back before the error returns.
    pub fn start() -> io::Result<Session> {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        match Session::setup() {
            Ok(session) => Ok(session),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    fn setup() -> io::Result<Session> {
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            Hide
        )?;
        let terminal = Terminal::new(CrosstermBackend::new(TerminalWriter::default()))?;
        // Start crossterm's reader now: it installs the SIGWINCH handler
        // that the signal watcher relies on to wake the event loop.
        event::poll(Duration::ZERO)?;
        let signals = SignalWatch::start()?;
        let hangup = HangupWatch::start()?;
        Ok(Session {
            terminal,
            signals,
            hangup,
        })
    }

    /// The signal that asked the wizard to stop, if one did.
    pub fn caught_signal(&self) -> Option<i32> {
        match self.signals.caught.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.terminal.backend_mut().flush();
        restore();
        self.signals.stop();
        self.hangup.stop();
    }
}

/// Puts the terminal back as the shell left it. Safe to call any number of
/// times from any of the restore paths.
pub fn restore() {
    restore_through(io::stdout());
}

fn restore_through(mut out: impl Write) {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
    }
}

/// Restores from the signal thread. The main thread may hold the stdout
/// lock for its whole life (`main` locks it once), so this writes to the
/// controlling terminal directly; if that is gone, there is nothing to
/// restore on screen.
fn restore_from_another_thread() {
    match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        Ok(tty) => restore_through(tty),
        Err(_) => restore_through(io::sink()),
    }
}

/// Restores the terminal before the default hook prints the panic, so the
/// message lands on the normal screen where the user can read it.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            default(info);
        }));
    });
}

/// Watches for SIGTERM, SIGHUP, SIGINT and SIGQUIT on a thread that sleeps in a
/// blocking read (no CPU while idle). crossterm's blocking read cannot be
/// interrupted directly, but it wakes for SIGWINCH (to report a resize), so
/// the watcher records the signal and raises SIGWINCH; the event loop then
/// sees the flag and leaves normally, restoring the terminal on its way.
///
/// If the loop does not take over within [`GRACE`] (crossterm spins without
/// returning once the terminal has hung up, since every read gets EOF), the
/// watcher restores the terminal itself and ends the process as the signal
/// would have; a save under way is finished first, so that the signal never
/// leaves half a set.
struct SignalWatch {
    caught: Arc<AtomicI32>,
    handle: Handle,
    /// Dropped by the event loop's side to say it is shutting down.
    taking_over: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

const GRACE: Duration = Duration::from_secs(1);

impl SignalWatch {
    fn start() -> io::Result<SignalWatch> {
        let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
        let handle = signals.handle();
        let caught = Arc::new(AtomicI32::new(0));
        let flag = Arc::clone(&caught);
        let (taking_over, shutdown) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("ddecs-signals".to_owned())
            .spawn(move || {
                for signal in signals.forever() {
                    flag.store(signal, Ordering::SeqCst);
                    let _ = signal_hook::low_level::raise(SIGWINCH);
                    if let Err(RecvTimeoutError::Timeout) = shutdown.recv_timeout(GRACE) {
                        // A save in progress ends whole first; then the
                        // loop gets its grace again to report it.
                        held::wait_for_writes();
                        if let Err(RecvTimeoutError::Timeout) = shutdown.recv_timeout(GRACE) {
                            held::finish_writes();
                            restore_from_another_thread();
                            let _ = signal_hook::low_level::emulate_default_handler(signal);
                        }
                    }
                }
            })?;
        Ok(SignalWatch {
            caught,
            handle,
            taking_over: Some(taking_over),
            thread: Some(thread),
        })
    }

    fn stop(&mut self) {
        self.taking_over = None;
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Exit status when the terminal went away: what a death by SIGHUP reports.
const TERMINAL_GONE: i32 = 128 + SIGHUP;

/// Ends the wizard when its terminal goes away. crossterm's reader then
/// loops inside its read (every read returns EOF or EIO, and it never
/// returns to the event loop), so only a signal could stop it; but a wizard
/// started with SIGHUP blocked (nohup-like launchers, some job runners)
/// gets none, and would spin for ever. This thread sleeps in poll(2) on the
/// terminal, which reports the hang-up, and ends the process.
struct HangupWatch {
    /// Dropped to wake the thread when the session ends normally.
    waker: Option<UnixStream>,
    thread: Option<JoinHandle<()>>,
}

impl HangupWatch {
    fn start() -> io::Result<HangupWatch> {
        let (waker, woken) = UnixStream::pair()?;
        let thread = std::thread::Builder::new()
            .name("ddecs-hangup".to_owned())
            .spawn(move || {
                let stdin = io::stdin();
                // No events asked of the terminal: poll reports a hang-up
                // or an error whatever is asked, and input stays crossterm's.
                let mut fds = [
                    PollFd::new(&stdin, PollFlags::empty()),
                    PollFd::new(&woken, PollFlags::IN),
                ];
                loop {
                    match poll(&mut fds, None) {
                        Ok(_) => {}
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(_) => return,
                    }
                    if !fds[1].revents().is_empty() {
                        return;
                    }
                    let gone = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
                    if fds[0].revents().intersects(gone) {
                        held::finish_writes();
                        restore_from_another_thread();
                        std::process::exit(TERMINAL_GONE);
                    }
                }
            })?;
        Ok(HangupWatch {
            waker: Some(waker),
            thread: Some(thread),
        })
    }

    fn stop(&mut self) {
        self.waker = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
