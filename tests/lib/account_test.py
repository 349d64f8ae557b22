"""account_test - an IRC client with an account on chat-server: CAP, SASL
PLAIN, REGISTER (t-account.py, t-chathistory-private.py)."""
import base64

from chatbox_test import Line

PW = "hunter22"


def connect(port, nick, caps=("sasl",)):
    c = Line(port)
    c.send("CAP LS 302")
    c.send("NICK " + nick)
    c.send("USER %s 0 * :%s" % (nick, nick))
    c.send("CAP REQ :" + " ".join(caps))
    c.expect(r" CAP \S+ ACK ")
    return c


def sasl(c, account, password, authz=""):
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE " + base64.b64encode(("%s\0%s\0%s" % (authz, account, password))
                                              .encode()).decode())
    return c.expect(r" 90[0-9] ")


def register(port, nick, password=PW, caps=("sasl", "draft/account-registration")):
    """NICK registers itself before CAP END and leaves; its account stays."""
    c = connect(port, nick, caps)
    c.send("REGISTER * * " + password)
    m = c.expect(r"REGISTER (SUCCESS|\S+ \S+)")
    c.send("CAP END")
    c.expect(r" 376 ")
    return c, m


def login(port, nick, caps=("sasl", "server-time")):
    c = connect(port, nick, caps)
    r = sasl(c, nick, PW)
    assert " 900 " in r.string, r.string
    c.expect(r" 903 ")
    c.send("CAP END")
    c.expect(r" 001 ")
    return c
