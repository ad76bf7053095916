"""Evidence: test results and source code traced to the objects they verify or
implement.  Both are build inputs read once per build (like other projects' files and the
lock), never pickled, so rerunning the tests or editing the code and rebuilding with no
source change is always seen."""
