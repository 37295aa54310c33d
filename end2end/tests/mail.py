"""Prints the messages in a Maildir as JSON: to, subject and plain-text body, decoded."""
import email, email.policy, json, mailbox, re, sys


def arrival(key):
    # Maildir keys look like "1764000000.M12345P678Q9.host"; the microseconds are not
    # zero-padded, so a plain string sort misorders messages within one second.
    m = re.match(r"(\d+)\.M(\d+)P(\d+)Q(\d+)", key)
    return (int(m[1]), int(m[2]), int(m[4])) if m else (0, 0, 0)


out = []
box = mailbox.Maildir(sys.argv[1], create=False)
for key in sorted(box.keys(), key=arrival):
    msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    out.append({"to": str(msg["To"]), "subject": str(msg["Subject"]),
                "text": body.get_content() if body else ""})
print(json.dumps(out, ensure_ascii=False))
