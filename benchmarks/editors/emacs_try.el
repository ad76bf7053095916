;;; emacs_try.el --- try the Emacs (eglot) set-up of docs/howto.md -*- lexical-binding: t -*-
;;
;;   emacs --batch -l benchmarks/editors/emacs_try.el PAGE
;;
;; (benchmarks/editors/try.sh runs it on copies of the test projects).  Needs eglot:
;; built in from Emacs 29, the package elpa-eglot (or ELPA's eglot) before.  Prints
;; what the editor got; exits 0 when every check passed, 1 otherwise.

;; as an interactive start does: installed packages (eglot, markdown-mode) on the path
(package-activate-all)
(require 'eglot)
(require 'flymake)

;; >>> docs/howto.md: emacs
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((rst-mode markdown-mode) . ("designdoc" "lsp"))))
(add-hook 'rst-mode-hook #'eglot-ensure)
(add-hook 'markdown-mode-hook #'eglot-ensure)
;; <<< docs/howto.md

(defvar try-failed nil)
(defun try-check (ok what)
  (princ (format "%s %s\n" (if ok "ok  " "FAIL") what))
  (unless ok (setq try-failed t)))

(defun try-wait (seconds predicate)
  "Let the server talk for up to SECONDS until PREDICATE holds."
  (let ((until (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) until))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun try-idle ()
  "Run the idle timers, as Emacs does when the user stops typing (a batch Emacs is
never idle): eglot sends its changes to the server on one."
  (mapc #'timer-event-handler (copy-sequence timer-idle-list)))

(defun try-request (method)
  "METHOD at point, answered by the server."
  (jsonrpc-request (eglot-current-server) method (eglot--TextDocumentPositionParams)))

(defun try-dangling-p ()
  (flymake-start)
  (accept-process-output nil 0.05)
  (seq-find (lambda (d) (string-match-p "designdoc.dangling" (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(let* ((page (car command-line-args-left))
       (eglot-sync-connect t)
       (buffer (progn (setq command-line-args-left nil) (find-file page))))
  (with-current-buffer buffer
    (run-hooks 'post-command-hook)      ; eglot-ensure connects after the command
    (princ (format "emacs %s, eglot %s, %s in %s\n" emacs-version
                   (or (bound-and-true-p eglot--version)
                       (let ((lib (locate-library "eglot"))) (and lib (file-name-directory lib))))
                   page major-mode))
    (try-check (try-wait 15 #'eglot-managed-p) "eglot manages the page")
    (princ (format "project root: %s\n" (project-root (eglot--project (eglot-current-server)))))
    ;; the server reads the workspace in the background
    (try-wait 5 (lambda () (< 0 (length (jsonrpc-request (eglot-current-server)
                                                         :workspace/symbol '(:query "REQ-1"))))))

    ;; hover and definition on REQ-1 of an :addresses: option
    (goto-char (point-min))
    (re-search-forward ":addresses: \\(REQ-1\\)")
    (goto-char (match-beginning 1))
    (let* ((hover (try-request :textDocument/hover))
           (text (or (plist-get (plist-get hover :contents) :value) "")))
      (princ (format "hover on REQ-1:\n  %s\n" (replace-regexp-in-string "\n" "\n  " text)))
      (try-check (string-match-p "REQ-1" text) "hover names REQ-1"))
    (let* ((answer (try-request :textDocument/definition))
           (target (if (vectorp answer) (aref answer 0) answer)))
      (princ (format "definition of REQ-1: %S\n" target))
      (try-check (string-match-p "index\\." (or (plist-get target :uri) ""))
                 "definition of REQ-1 leads to the index page"))

    ;; completion after ":uses: " lists the dependencies
    (goto-char (point-min))
    (re-search-forward ":uses: \\(DEP-1\\)")
    (let ((start (match-beginning 1)) (end (match-end 1)))
      (goto-char start)
      (let* ((capf (eglot-completion-at-point))
             (names (and capf (all-completions "" (nth 2 capf)))))
        (princ (format "completion on the :uses: line: %s\n" (string-join names " ")))
        (try-check (member "DEP-2" names) "completion offers DEP-2"))

      ;; edit DEP-1 to DEP-9: the page now links to an ID nobody declares
      (delete-region start end)
      (goto-char start)
      (insert "DEP-9")
      (run-hooks 'post-command-hook)
      (try-idle)
      (try-check (try-wait 15 #'try-dangling-p) "designdoc.dangling on the edited line")
      (princ "diagnostics after the edit:\n")
      (dolist (d (flymake-diagnostics))
        (princ (format "  %d: %s %s\n" (line-number-at-pos (flymake-diagnostic-beg d))
                       (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
      ;; undo: the diagnostic goes away
      (delete-region start (+ start 5))
      (goto-char start)
      (insert "DEP-1")
      (run-hooks 'post-command-hook)
      (try-idle)
      (try-check (try-wait 15 (lambda () (not (try-dangling-p))))
                 "the diagnostic goes once the edit is undone"))
    (set-buffer-modified-p nil)
    (ignore-errors (eglot-shutdown (eglot-current-server)))))

(kill-emacs (if try-failed 1 0))
