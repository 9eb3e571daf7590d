//! Whether a program the tests run is installed. A missing program fails
//! the test under CI, where `.ci/run` installs every one of them, and skips
//! it with a note elsewhere, naming the Debian package to install.

pub fn have(program: &str, apt_package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is required for this test in CI: apt-get install -y {apt_package}"
        );
        eprintln!("note: skipping, {program} is not installed (apt-get install -y {apt_package})");
    }
    found
}
