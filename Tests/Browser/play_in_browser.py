"""Plays Fable's web client in headless Chromium, as a reader would, against a server on the
scripted stub model: creates a reader, starts a world, chooses an option by clicking its button,
and watches the next passage stream in; then chooses by key. Exits 0 when all went as a reader
would see it, 1 with the reason otherwise.

Usage: play_in_browser.py URL [--screenshot FILE]
Needs Debian's chromium and chromium-driver, and selenium (scripts/browser setup).
"""
import argparse
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


class Failed(Exception):
    pass


def browser(profile):
    options = Options()
    options.binary_location = os.environ.get("FABLE_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1000,1200", "--user-data-dir=" + profile, "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync"):
        options.add_argument(argument)
    # The driver is Debian's: Selenium is never asked to fetch one.
    service = Service(executable_path=os.environ.get("FABLE_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def play(driver, url, screenshot):
    def wait(condition, what, timeout=30):
        try:
            # The page replaces the option buttons as a step arrives: one found a moment
            # before may be gone when asked about, which is not yet an answer.
            return WebDriverWait(driver, timeout, poll_frequency=0.05,
                                 ignored_exceptions=[StaleElementReferenceException]).until(lambda _: condition())
        except TimeoutException:
            raise Failed("timed out waiting for %s; the page shows:\n%s" % (what, story_text()))

    def story_text():
        return driver.find_element(By.ID, "story").get_attribute("textContent")

    def type_line(text):
        entry = driver.find_element(By.ID, "entry")
        entry.send_keys(text)
        entry.send_keys(Keys.ENTER)

    def buttons():
        return driver.find_elements(By.CSS_SELECTOR, "#options button")

    def options_ready():
        """Three enabled option buttons (False while the page is replacing them)."""
        try:
            shown = buttons()
            return len(shown) == 3 and all(b.is_enabled() for b in shown)
        except StaleElementReferenceException:
            return False

    driver.get(url)
    story = driver.find_element(By.ID, "story")
    if story.get_attribute("aria-live") != "polite":
        raise Failed("the story is not a live region")
    wait(lambda: "Name: " in story_text(), "the name prompt")
    wait(lambda: driver.find_element(By.ID, "entry").is_enabled(), "the line to be typed in")

    # A new reader, the way a person makes one: name, yes, the password twice, hidden.
    type_line("wren")
    wait(lambda: "(yes/no)" in story_text(), "the new-reader question")
    type_line("yes")
    wait(lambda: driver.find_element(By.ID, "entry").get_attribute("type") == "password", "a password field")
    if driver.find_element(By.ID, "entry-label").text != "Password":
        raise Failed("the password field is not labelled")
    type_line("secret1")
    wait(lambda: "The same password again: " in story_text(), "the second password prompt")
    type_line("secret1")
    wait(lambda: "Welcome, wren." in story_text(), "the welcome")
    if driver.find_element(By.ID, "entry").get_attribute("type") != "text":
        raise Failed("the line is still a password field after the login")
    if "secret1" in story_text():
        raise Failed("the password was shown")

    # A world: its first passage, then its options as buttons.
    type_line("new marsh")
    wait(lambda: "Step 1." in story_text(), "the first passage")
    wait(options_ready, "three option buttons")
    if driver.find_element(By.ID, "title").text != "The Marsh Bell":
        raise Failed("the world's title is not shown")

    # Choose by clicking; the next passage streams in: it is seen part-written (growing, before
    # its options come), then whole.
    before = len(story_text())
    chosen = buttons()[1]
    chosen.click()
    seen = []
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        text = story_text()
        done = options_ready() and text.rstrip().endswith(">")
        if "Step 2." in text:
            seen.append((len(text), done))
        if done and "Step 2." in text:
            break
        time.sleep(0.03)
    else:
        raise Failed("the next passage did not arrive:\n" + story_text())
    partial = sorted({length for length, done in seen if not done})
    if len(partial) < 2:
        raise Failed("the passage did not stream in (seen part-written %d times)" % len(partial))
    if seen[-1][0] - before < 400:
        raise Failed("the next passage is too short to be one")
    if screenshot:
        driver.save_screenshot(screenshot)

    # Choose by key: 3 anywhere but in the line.
    driver.find_element(By.TAG_NAME, "body").send_keys("3")
    wait(lambda: "Step 3." in story_text(), "the passage after pressing 3")
    wait(lambda: story_text().rstrip().endswith(">") and options_ready(), "the next options")

    # Commands work as over telnet: the page only sends lines.
    type_line("undo")
    wait(lambda: story_text().count("Step 2.") >= 2, "undo to show step 2 again")
    type_line("memory")
    wait(lambda: driver.find_element(By.ID, "memory-panel").is_displayed(), "the memory panel")

    # Leaving: the server says goodbye and closes; the page says so and offers to connect again.
    type_line("quit")
    wait(lambda: "Goodbye." in story_text(), "the goodbye")
    wait(lambda: "Disconnected." in driver.find_element(By.ID, "status").text, "the page to say it is disconnected")
    if driver.find_element(By.ID, "entry").is_enabled():
        raise Failed("the line can still be typed into after the connection closed")
    return len(partial)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fable-chromium-") as profile:
        driver = browser(profile)
        try:
            partial = play(driver, args.url, args.screenshot)
        except Failed as failure:
            print("FAIL: %s" % failure, file=sys.stderr)
            return 1
        finally:
            driver.quit()
    print("ok: the passage was seen part-written %d times" % partial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
