//! The Windows console: Chinese text, colours, and a window of nianbao's own.
//!
//! Rust's standard library writes to a console in UTF-16 (`WriteConsoleW`), so Chinese text
//! printed to the console window is right whatever its code page. Three things are not:
//! - bytes piped into another console program (`nianbao check | more`) are decoded in the
//!   console's code page, 936 (GBK) on a Chinese Windows: so the code page is UTF-8 while
//!   nianbao runs, and restored when it ends;
//! - ANSI colour codes show as `←[31m` unless virtual-terminal processing is on: it is turned
//!   on (and back off), and where that fails (before Windows 10) diagnostics are not coloured;
//! - a console window that Explorer opened for a double-click closes the moment the program
//!   exits, before anyone has read it: [`own_window`] tells when to wait for Enter.
//!
//! Elsewhere these are no-ops.

/// Restores the console as it was when dropped (at the end of `main`).
pub struct Guard {
    #[cfg(windows)]
    saved: Option<sys::Saved>,
}

/// Prepares the console for this process (see the module documentation).
pub fn init() -> Guard {
    Guard {
        #[cfg(windows)]
        saved: sys::init(),
    }
}

/// Whether ANSI colour codes on stdout show as colours.
pub fn ansi_colors() -> bool {
    #[cfg(windows)]
    return sys::vt_enabled();
    #[cfg(not(windows))]
    true
}

/// Whether nianbao is alone in a console window that was opened for it — a double-click on
/// nianbao.exe or a folder dropped onto it, not a start from cmd.exe or PowerShell (those
/// share their window). Always false outside Windows.
pub fn own_window() -> bool {
    #[cfg(windows)]
    return sys::processes_in_console() == 1;
    #[cfg(not(windows))]
    false
}

#[cfg(windows)]
impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            sys::restore(saved);
        }
    }
}

#[cfg(windows)]
#[allow(unsafe_code)] // Win32 console calls: plain values in, or a buffer owned here.
mod sys {
    use std::sync::atomic::{AtomicBool, Ordering};

    use windows_sys::Win32::Globalization::CP_UTF8;
    use windows_sys::Win32::System::Console::{
        GetConsoleMode, GetConsoleOutputCP, GetConsoleProcessList, GetStdHandle, SetConsoleMode,
        SetConsoleOutputCP, ENABLE_VIRTUAL_TERMINAL_PROCESSING, STD_OUTPUT_HANDLE,
    };

    static VT: AtomicBool = AtomicBool::new(false);

    /// The console state to restore.
    pub struct Saved {
        code_page: u32,
        mode: Option<u32>,
    }

    pub fn init() -> Option<Saved> {
        // SAFETY: no arguments; 0 means the process has no console.
        let code_page = unsafe { GetConsoleOutputCP() };
        if code_page == 0 {
            return None;
        }
        if code_page != CP_UTF8 {
            // SAFETY: a plain value; failure leaves the code page as it was.
            unsafe { SetConsoleOutputCP(CP_UTF8) };
        }
        let mut mode = 0;
        // SAFETY: the handle is only passed on; `mode` is a valid place to write a u32.
        let handle = unsafe { GetStdHandle(STD_OUTPUT_HANDLE) };
        let is_console = unsafe { GetConsoleMode(handle, &mut mode) } != 0;
        let saved_mode = if !is_console {
            None // stdout is a file or a pipe: no colours are written to it
        } else if mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
            VT.store(true, Ordering::Relaxed);
            None
        } else {
            // SAFETY: as above; fails on consoles without VT support (before Windows 10).
            let on = unsafe { SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) };
            VT.store(on != 0, Ordering::Relaxed);
            (on != 0).then_some(mode)
        };
        Some(Saved {
            code_page,
            mode: saved_mode,
        })
    }

    pub fn restore(saved: Saved) {
        // SAFETY: plain values, the handle as returned by GetStdHandle.
        unsafe {
            SetConsoleOutputCP(saved.code_page);
            if let Some(mode) = saved.mode {
                SetConsoleMode(GetStdHandle(STD_OUTPUT_HANDLE), mode);
            }
        }
    }

    pub fn vt_enabled() -> bool {
        VT.load(Ordering::Relaxed)
    }

    /// How many processes share this console (0 when there is none).
    pub fn processes_in_console() -> u32 {
        let mut ids = [0u32; 4];
        // SAFETY: the buffer and its length (in elements) match.
        unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) }
    }
}
