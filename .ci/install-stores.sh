#!/bin/sh
# Install the SPARQL 1.1 stores the tests in tests/stores/ start: Oxigraph server and OpenLink Virtuoso 7.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
set -eu
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends virtuoso-opensource
    # the package may start a system instance (port 8890/1111); the tests run their own on free loopback ports
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
if ! command -v oxigraph >/dev/null 2>&1; then
    python -m pip install --quiet 'oxigraph>=0.5,<0.6'
fi
virtuoso-t +version 2>&1 | head -n 2 || true
oxigraph --version
