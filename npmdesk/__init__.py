"""npmdesk: qualitative coding of interview and focus-group transcripts, in one local project file."""

__version__ = "0.1.0"
APP_NAME = "npmdesk"
PROJECT_SUFFIX = ".npmdesk"
