#!/bin/sh
# The scheduled jobs in a loop, for compose.yaml's scheduler service (or any machine without cron):
#
#   python manage.py send_messages       every SEND_MESSAGES_EVERY seconds (default 300)
#   python manage.py daily               once a day, at DAILY_AT (HH:MM, default 06:00) or at
#   python manage.py extend_timetables   the first pass after it; both again later on failure
#
# Times are the container's clock: set TZ=Europe/London. After a restart past DAILY_AT the day's
# run happens again, which adds nothing. daily and send_messages each take a PostgreSQL advisory
# lock, so copies of this loop on several machines never run the same job twice at once.
set -u

every="${SEND_MESSAGES_EVERY:-300}"
daily_at="$(printf '%s' "${DAILY_AT:-06:00}" | tr -d ':')"
daily_done=""
sleeper=""

trap 'echo "scheduler: stopping"; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' INT TERM

run() {
    echo "scheduler: $(date '+%Y-%m-%d %H:%M:%S %Z') manage.py $*"
    python manage.py "$@"
    status=$?
    [ "$status" -eq 0 ] || echo "scheduler: manage.py $* failed (exit $status)" >&2
    return "$status"
}

echo "scheduler: send_messages every ${every}s, daily at ${DAILY_AT:-06:00} ($(date +%Z))"
while :; do
    today="$(date +%F)"
    if [ "$daily_done" != "$today" ] && [ "$(date +%H%M)" -ge "$daily_at" ]; then
        if run daily && run extend_timetables; then
            daily_done="$today"
        fi
    fi
    run send_messages
    # In the background, so that a stop signal is acted on at once rather than after the sleep.
    sleep "$every" &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
done
